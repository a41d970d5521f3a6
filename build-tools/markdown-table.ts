/**
 * Replaces a rendered table in a Markdown document: from its header line to the blank line that
 * ends it, or to the end of the document when the table is its last block. The README tables
 * rendered from data (rules, access claims) are rewritten with this.
 */
export function replaceTable(markdown: string, header: string, table: string, what: string): string {
  const start = markdown.indexOf(header);
  if (start < 0) {
    throw new Error(`the document has no ${what} header`);
  }
  const end = markdown.indexOf('\n\n', start);
  return markdown.slice(0, start) + table + (end < 0 ? '' : markdown.slice(end + 1));
}
