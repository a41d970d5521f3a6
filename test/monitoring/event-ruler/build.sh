#!/usr/bin/env bash
# Builds the Event Ruler harness of test/monitoring/event-ruler.test.ts: Maven fetches
# software.amazon.event.ruler:event-ruler from Maven Central, compiles src/ and writes the runtime
# classpath to target/classpath.txt. Needs Java 17 and Maven.
set -euo pipefail
cd "$(dirname "$0")"
mvn -B -q compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
