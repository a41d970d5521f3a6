package harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import software.amazon.event.ruler.Machine;

/**
 * Reads one case per line on stdin, {"pattern": {...}, "event": {...}}, and prints one answer per
 * line: "true" or "false" (whether Event Ruler matches the event against the pattern), or
 * "error <message>" when it refuses the pattern or the event.
 */
public final class Matches {
  private Matches() {
  }

  public static void main(String[] args) throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    String line;
    while ((line = in.readLine()) != null) {
      if (line.isBlank()) {
        continue;
      }
      try {
        JsonNode c = mapper.readTree(line);
        Machine machine = new Machine();
        machine.addRule("pattern", mapper.writeValueAsString(c.get("pattern")));
        boolean matched = !machine.rulesForJSONEvent(mapper.writeValueAsString(c.get("event"))).isEmpty();
        out.println(matched ? "true" : "false");
      } catch (Exception e) {
        out.println("error " + String.valueOf(e.getMessage()).replace('\n', ' '));
      }
    }
  }
}
