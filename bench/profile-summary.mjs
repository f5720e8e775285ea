/**
 * Summarises a V8 .cpuprofile: the share of busy time (idle excluded) of the functions with the most
 * self time, and of those with the most inclusive time (a function and everything it called,
 * counted once per sample however deep the recursion).
 *
 *   node bench/profile-summary.mjs <file.cpuprofile> [rows]
 */
import { readFileSync } from 'node:fs';

const [file, rowsArgument] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/profile-summary.mjs <file.cpuprofile> [rows]');
  process.exit(1);
}
const rows = Number(rowsArgument ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parentOf = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);

const name = (node) => {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url.replace(/^.*\/(dist|node_modules)\//, '$1/').replace(/^file:\/\//, '');
  return `${functionName || '(anonymous)'} ${where}${where ? `:${lineNumber + 1}` : ''}`;
};
const samplesOf = new Map();
for (const id of profile.samples) samplesOf.set(id, (samplesOf.get(id) ?? 0) + 1);

const self = new Map();
const inclusive = new Map();
let busy = 0;
for (const [id, count] of samplesOf) {
  const node = nodes.get(id);
  if (node.callFrame.functionName === '(idle)') continue;
  busy += count;
  self.set(name(node), (self.get(name(node)) ?? 0) + count);
  const seen = new Set();
  for (let current = id; current !== undefined; current = parentOf.get(current)) {
    const key = name(nodes.get(current));
    if (key.startsWith('(root)') || seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + count);
  }
}
const print = (title, table) => {
  console.log(`\n${title} (% of busy time)`);
  for (const [key, count] of [...table].sort((a, b) => b[1] - a[1]).slice(0, rows)) {
    console.log(`${((100 * count) / busy).toFixed(1).padStart(6)}  ${key}`);
  }
};
console.log(`${profile.samples.length} samples, ${busy} busy (${((100 * busy) / profile.samples.length).toFixed(0)}%)`);
print('Self time', self);
print('Inclusive time', inclusive);
