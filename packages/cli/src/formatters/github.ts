import { hasLocation, relativePath, severityName, showControls, type Formatter } from "./shared.js";

/** Workflow-command escaping: data escapes %, CR and LF; property values also `:` and `,`. */
const escapeData = (s: string) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");

/** GitHub Actions annotations (`::error file=…,line=…::message`), shown inline on the pull request. */
export const github: Formatter = (results, context) => {
  const lines: string[] = [];
  for (const result of results) {
    const file = showControls(relativePath(context.rootDir, result.filePath));
    for (const m of result.messages) {
      const props = [`file=${escapeProperty(file)}`];
      if (hasLocation(m)) {
        props.push(`line=${m.line}`, `col=${m.column}`);
        if (m.endLine !== undefined) props.push(`endLine=${m.endLine}`);
        if (m.endColumn !== undefined) props.push(`endColumn=${m.endColumn}`);
      }
      props.push(`title=${escapeProperty(m.ruleId ?? "ecrlint")}`);
      lines.push(`::${severityName(m)} ${props.join(",")}::${escapeData(showControls(m.message))}`);
    }
  }
  return lines.length ? `${lines.join("\n")}\n` : "";
};
