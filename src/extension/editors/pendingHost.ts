/**
 * Host-side checks around the run's dataset (append pending rows, row names for tooltips): the dataset must lie
 * inside a workspace folder (symlinks resolved), its SHA-256 is compared with the one the run recorded, and writes
 * replace the file atomically (temp file in the same folder + rename).
 */
import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { relative, isAbsolute } from 'node:path';
import * as vscode from 'vscode';
import type { RunManifest } from '../../core/run/manifest';

function within(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** Whether `uri` is inside one of the workspace folders (real paths, so a symlink out of the workspace is refused). */
export function insideWorkspace(uri: vscode.Uri): boolean {
  const real = (p: string): string => {
    try {
      return realpathSync(p);
    } catch {
      return p;
    }
  };
  const target = uri.scheme === 'file' ? real(uri.fsPath) : uri.fsPath;
  return (vscode.workspace.workspaceFolders ?? []).some((f) => f.uri.scheme === uri.scheme && within(f.uri.scheme === 'file' ? real(f.uri.fsPath) : f.uri.fsPath, target));
}

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

export async function checkDatasetForAppend(uri: vscode.Uri, manifest: RunManifest): Promise<{ bytes: Uint8Array; changed: boolean }> {
  if (!insideWorkspace(uri)) throw new Error(`${uri.fsPath} is outside the workspace folder(s): MI Studio only appends to datasets inside the workspace`);
  const bytes = await vscode.workspace.fs.readFile(uri);
  const recorded = manifest.dataset?.sha256;
  return { bytes, changed: !!recorded && sha256(bytes) !== recorded };
}

/** Writes `bytes` to `uri` atomically: a temp file next to it, then a rename over it. */
export async function writeAtomicUri(uri: vscode.Uri, bytes: Uint8Array): Promise<void> {
  const name = uri.path.split('/').pop() ?? 'dataset';
  const tmp = vscode.Uri.joinPath(uri, '..', `.${name}.mi-append-${process.pid}-${Date.now()}.tmp`);
  await vscode.workspace.fs.writeFile(tmp, bytes);
  try {
    await vscode.workspace.fs.rename(tmp, uri, { overwrite: true });
  } catch (e) {
    await vscode.workspace.fs.delete(tmp).then(undefined, () => undefined);
    throw e;
  }
}

/** Row names (formula / SMILES) from the run's dataset, only when it is inside the workspace and unchanged. */
export async function datasetNames<T>(
  manifest: RunManifest,
  locate: (m: RunManifest) => Promise<vscode.Uri>,
  names: (text: string, m: RunManifest, fileName: string) => T | undefined,
): Promise<T | undefined> {
  if (!manifest.dataset?.path || !manifest.dataset.sha256) return undefined;
  const uri = await locate(manifest);
  if (!insideWorkspace(uri)) return undefined;
  const bytes = await vscode.workspace.fs.readFile(uri);
  if (bytes.length > 50e6 || sha256(bytes) !== manifest.dataset.sha256) return undefined;
  return names(new TextDecoder().decode(bytes), manifest, uri.path);
}
