// The msklint extension: starts `msklint server` and hands it every
// pathway, Markdown and plain-text file opened from disk. Everything the
// editor shows (problems, hover, quick fixes, renames, outline,
// formatting) comes from the server; this file only starts and restarts it.
'use strict';

const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

/** @type {LanguageClient | undefined} */
let client;

/** The documents msklint reads, as the client sends them to the server. */
const DOCUMENTS = [
  { scheme: 'file', language: 'pathway' },
  { scheme: 'untitled', language: 'pathway' },
  { scheme: 'file', language: 'markdown' },
  { scheme: 'file', language: 'plaintext' },
];

function program() {
  const path = vscode.workspace.getConfiguration('msklint').get('path');
  return typeof path === 'string' && path.trim() !== '' ? path.trim() : 'msklint';
}

function createClient() {
  const command = program();
  const serverOptions = { command, args: ['server'] };
  const clientOptions = {
    documentSelector: DOCUMENTS,
    synchronize: {
      // The server reloads its configuration when this file changes.
      fileEvents: vscode.workspace.createFileSystemWatcher('**/msklint.yaml'),
    },
  };
  // The id 'msklint' makes the client read the `msklint.trace.server` setting.
  return new LanguageClient('msklint', 'msklint', serverOptions, clientOptions);
}

async function start() {
  client = createClient();
  try {
    await client.start();
  } catch (error) {
    const command = program();
    const choice = await vscode.window.showErrorMessage(
      `msklint: could not start \`${command} server\` (${error && error.message ? error.message : error}). ` +
        'Install msklint, or set "msklint.path" to the program.',
      'Open Settings',
    );
    if (choice === 'Open Settings') {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'msklint.path');
    }
  }
}

async function stop() {
  const running = client;
  client = undefined;
  if (running) {
    try {
      await running.stop();
    } catch {
      // A server that never started cannot be stopped; nothing is left to do.
    }
  }
}

async function restart() {
  await stop();
  await start();
}

/** @param {import('vscode').ExtensionContext} context */
async function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand('msklint.restartServer', restart),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('msklint.path')) {
        return restart();
      }
      return undefined;
    }),
  );
  await start();
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate, DOCUMENTS };
