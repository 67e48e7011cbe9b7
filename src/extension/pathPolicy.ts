/**
 * The editor's path policy for specs (src/core/spec/pathPolicy.ts): files must be inside the workspace folders unless
 * the user enabled \`miStudio.allowPathsOutsideWorkspace\` (an application-scope setting, so a workspace cannot
 * enable it for itself). Without a workspace folder, the spec's own folder tree is the limit.
 */
import * as vscode from 'vscode';
import type { PathPolicy } from '../core/spec/pathPolicy';
import { Settings } from './ids';

export function workspacePathPolicy(): PathPolicy {
  const roots = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  const allowOutside = vscode.workspace.getConfiguration().get<boolean>(Settings.allowPathsOutsideWorkspace, false) === true;
  return {
    ...(roots.length ? { roots, label: roots.length === 1 ? `the workspace folder (${roots[0]})` : 'the workspace folders' } : {}),
    allowOutside,
    optIn: 'enable the user setting "miStudio.allowPathsOutsideWorkspace"',
  };
}
