import type { Command } from 'commander';
import { importBullpen } from '../../store/export';
import type { Library } from '../../store/library';
import { deleteRecording, getRecording, renameRecording, tagRecording, vacuumLibrary } from '../../store/recordings';
import { openLibraryOf } from './recording-common';

/**
 * `bullpen recordings …`: library management from the command line (the recordings dialog does the
 * same in the app). Listing is `bullpen replay` with no argument.
 */
export function registerRecordings(program: Command): void {
  const recordings = program.command('recordings').description('manage the library: import a .bullpen file, rename, tag, delete, vacuum');

  const withLibrary = (cmd: Command, fn: (lib: Library) => void): void => {
    const lib = openLibraryOf(cmd);
    try {
      fn(lib);
    } finally {
      lib.close();
    }
  };

  recordings
    .command('import')
    .description('import every recording of a .bullpen file (validated first; the file is never modified)')
    .argument('<file>', 'a .bullpen file')
    .action((file: string, _opts: unknown, cmd: Command) =>
      withLibrary(cmd, (lib) => {
        const r = importBullpen(lib, file);
        for (const id of r.imported) process.stdout.write(`imported\t${id}\n`);
        for (const id of r.skipped) process.stdout.write(`skipped\t${id}\t(already in the library)\n`);
      }),
    );

  recordings
    .command('rename')
    .description('give a recording a name (an empty name removes it)')
    .argument('<recording>', 'recording id, unique id prefix or name')
    .argument('<name>', 'the new name')
    .action((ref: string, name: string, _opts: unknown, cmd: Command) =>
      withLibrary(cmd, (lib) => {
        const rec = getRecording(lib, ref);
        renameRecording(lib, rec.id, name.trim() === '' ? null : name.trim());
        process.stdout.write(`${rec.id}\t${name.trim() || '(no name)'}\n`);
      }),
    );

  recordings
    .command('tag')
    .description('add tags to a recording (or remove them with --remove)')
    .argument('<recording>', 'recording id, unique id prefix or name')
    .argument('<tags...>', 'tags')
    .option('--remove', 'remove these tags instead of adding them')
    .action((ref: string, tags: string[], opts: { remove?: boolean }, cmd: Command) =>
      withLibrary(cmd, (lib) => {
        const rec = getRecording(lib, ref);
        const now = opts.remove ? tagRecording(lib, rec.id, [], tags) : tagRecording(lib, rec.id, tags);
        process.stdout.write(`${rec.id}\t${now.join(', ') || '(no tags)'}\n`);
      }),
    );

  recordings
    .command('delete')
    .description('delete a recording and everything recorded with it')
    .argument('<recording>', 'recording id, unique id prefix or name')
    .action((ref: string, _opts: unknown, cmd: Command) =>
      withLibrary(cmd, (lib) => {
        const rec = getRecording(lib, ref);
        deleteRecording(lib, rec.id);
        process.stdout.write(`deleted\t${rec.id}\n`);
      }),
    );

  recordings
    .command('vacuum')
    .description('give the space of deleted recordings back to the disk')
    .action((_opts: unknown, cmd: Command) => withLibrary(cmd, (lib) => vacuumLibrary(lib)));
}
