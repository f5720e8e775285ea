/**
 * Several processes' Prometheus expositions as one: each metric family once (its `# HELP` and
 * `# TYPE` from the first part that has it), with every part's samples under it, labelled with
 * what tells the parts apart (`worker="2"`). Nothing is summed: each worker's counters stay their
 * own series, which is exact for every type (a gauge such as memory or event-loop lag has no
 * meaningful sum), and `sum by (…)` in PromQL adds them up. Pure.
 */

export interface ExpositionPart {
  labels: Record<string, string>;
  text: string;
}

interface Family {
  header: string[];
  /** The part the header came from: the first part that has one. */
  headerPart?: number;
  samples: string[];
}

export function mergeExpositions(parts: readonly ExpositionPart[]): string {
  const families = new Map<string, Family>();
  const familyOf = (name: string): Family => {
    let family = families.get(name);
    if (!family) {
      family = { header: [], samples: [] };
      families.set(name, family);
    }
    return family;
  };
  parts.forEach((part, partIndex) => {
    const added = Object.entries(part.labels)
      .map(([name, value]) => `${name}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
      .join(',');
    let current: string | undefined;
    for (const line of part.text.split('\n')) {
      if (line === '') continue;
      const comment = /^# (HELP|TYPE) (\S+)/.exec(line);
      if (comment) {
        current = comment[2]!;
        const family = familyOf(current);
        family.headerPart ??= partIndex;
        if (family.headerPart === partIndex) family.header.push(line);
        continue;
      }
      if (line.startsWith('#')) continue;
      const nameEnd = line.search(/[{ ]/);
      const name = nameEnd < 0 ? line : line.slice(0, nameEnd);
      // Samples follow their family's TYPE line (`x_bucket`, `x_sum` and `x_count` belong to `x`).
      const family = familyOf(current !== undefined && name.startsWith(current) ? current : name);
      family.samples.push(withLabels(line, nameEnd, added));
    }
  });
  let text = '';
  for (const family of families.values()) {
    for (const line of family.header) text += `${line}\n`;
    for (const line of family.samples) text += `${line}\n`;
  }
  return text;
}

function withLabels(line: string, nameEnd: number, added: string): string {
  if (added === '' || nameEnd < 0) return line;
  if (line[nameEnd] === '{') return line[nameEnd + 1] === '}' ? `${line.slice(0, nameEnd + 1)}${added}${line.slice(nameEnd + 1)}` : `${line.slice(0, nameEnd + 1)}${added},${line.slice(nameEnd + 1)}`;
  return `${line.slice(0, nameEnd)}{${added}}${line.slice(nameEnd)}`;
}
