#!/usr/bin/env node
/**
 * `chat-responses-adapter <command>`: the command-line tools, one entry per subcommand. Each
 * command takes its arguments and the process's streams and resolves to an exit code.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { replayCommand, replayUsage, type CommandIo } from './migration/replay-command.js';
import { translateCommand } from './migration/translate-command.js';

type Io = CommandIo & { stdin?: AsyncIterable<Buffer | string> | Iterable<Buffer | string> };
type Command = (argv: string[], io: Io) => Promise<number>;

const commands: Record<string, { run: Command; summary: string }> = {
  replay: { run: replayCommand, summary: 'replay a file of Chat requests on both paths and report the differences' },
  translate: { run: translateCommand, summary: "show the Responses request a Chat request becomes, and each parameter's fate (no upstream call)" },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, command]) => `  ${name.padEnd(10)} ${command.summary}`);
  return `Usage: chat-responses-adapter <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun a command with --help for its options.\n\n${replayUsage}`;
}

export async function runCli(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (command === undefined) {
    io.stderr.write(`chat-responses-adapter: unknown command '${name}'.\n\n${usage()}`);
    return 2;
  }
  return command.run(rest, io);
}

/** Run when this file is the program (also through the npm bin symlink), not when imported. */
function isProgram(): boolean {
  const program = process.argv[1];
  if (program === undefined) return false;
  try {
    return realpathSync(program) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isProgram()) {
  process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, stdin: process.stdin });
}
