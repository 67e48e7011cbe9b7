/** Creating spec files beside a dataset without ever overwriting anything. VS Code-free (unit-tested). */
import { constants, promises as fsp } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';

/** `<dir>/<stem>.mi.yaml`, `<stem>-2.mi.yaml`, … : the first name not taken, created exclusively with `text`. */
export async function writeNewSpec(csvPath: string, make: (specPath: string) => string): Promise<string> {
  const dir = dirname(csvPath);
  const stem = basename(csvPath, extname(csvPath));
  for (let k = 1; k < 1000; k++) {
    const specPath = join(dir, `${stem}${k === 1 ? '' : `-${k}`}.mi.yaml`);
    try {
      await fsp.access(specPath, constants.F_OK);
      continue; // exists: never overwrite
    } catch { /* free */ }
    try {
      await fsp.writeFile(specPath, make(specPath), { flag: 'wx' });
      return specPath;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw e;
    }
  }
  throw new Error(`no free name for a new spec beside ${csvPath}`);
}
