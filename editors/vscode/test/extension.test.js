// extension.js and the manifest, without VS Code: `vscode` and the language
// client are replaced by stand-ins that record what the extension asks of
// them. (VS Code itself cannot be installed here; vsce packaging is tested
// from Rust, in tests/editors.rs.)
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');

const HERE = path.join(__dirname, '..');
const manifest = JSON.parse(fs.readFileSync(path.join(HERE, 'package.json'), 'utf8'));

/** Loads extension.js against stand-ins; `settings` maps `msklint.path` and the like. */
function load(settings = {}, { failStart = false } = {}) {
  const seen = { clients: [], commands: {}, onConfig: [], errors: [], opened: [], watchers: [] };
  class LanguageClient {
    constructor(id, name, serverOptions, clientOptions) {
      Object.assign(this, { id, name, serverOptions, clientOptions, state: 'new' });
      seen.clients.push(this);
    }
    async start() {
      if (failStart) {
        this.state = 'failed';
        throw new Error('spawn msklint ENOENT');
      }
      this.state = 'running';
    }
    async stop() {
      this.state = 'stopped';
    }
  }
  const disposable = { dispose() {} };
  const vscode = {
    workspace: {
      getConfiguration: (section) => ({ get: (key) => settings[`${section}.${key}`] }),
      createFileSystemWatcher: (glob) => {
        seen.watchers.push(glob);
        return { glob, dispose() {} };
      },
      onDidChangeConfiguration: (listener) => {
        seen.onConfig.push(listener);
        return disposable;
      },
    },
    commands: {
      registerCommand: (name, run) => {
        seen.commands[name] = run;
        return disposable;
      },
      executeCommand: async (...args) => {
        seen.opened.push(args);
      },
    },
    window: {
      showErrorMessage: async (message, ...choices) => {
        seen.errors.push({ message, choices });
        return choices[0];
      },
    },
  };
  const load = Module._load;
  Module._load = function (request, ...rest) {
    if (request === 'vscode') return vscode;
    if (request === 'vscode-languageclient/node') return { LanguageClient };
    return load.call(this, request, ...rest);
  };
  try {
    delete require.cache[require.resolve('../extension.js')];
    const extension = require('../extension.js');
    return { extension, seen, context: { subscriptions: [] } };
  } finally {
    Module._load = load;
  }
}

const changed = (key) => ({ affectsConfiguration: (k) => k === key });

test('activation starts `msklint server` for pathways, Markdown and plain text', async () => {
  const { extension, seen, context } = load();
  await extension.activate(context);
  assert.equal(seen.clients.length, 1);
  const client = seen.clients[0];
  assert.equal(client.id, 'msklint', 'the id makes the client read msklint.trace.server');
  assert.deepEqual(client.serverOptions, { command: 'msklint', args: ['server'] });
  assert.equal(client.state, 'running');
  const selector = client.clientOptions.documentSelector;
  assert.deepEqual([...new Set(selector.map((s) => s.language))], ['pathway', 'markdown', 'plaintext']);
  assert.ok(selector.every((s) => ['file', 'untitled'].includes(s.scheme)));
  assert.deepEqual(seen.watchers, ['**/msklint.yaml']);
  assert.ok(seen.commands['msklint.restartServer']);
  assert.ok(context.subscriptions.length >= 2);

  await extension.deactivate();
  assert.equal(client.state, 'stopped');
});

test('msklint.path names the program, and changing it restarts the server', async () => {
  const settings = { 'msklint.path': '  /opt/msklint/bin/msklint ' };
  const { extension, seen, context } = load(settings);
  await extension.activate(context);
  assert.deepEqual(seen.clients[0].serverOptions, { command: '/opt/msklint/bin/msklint', args: ['server'] });

  // Another setting changing leaves the server alone.
  await seen.onConfig[0](changed('editor.tabSize'));
  assert.equal(seen.clients.length, 1);

  settings['msklint.path'] = '';
  await seen.onConfig[0](changed('msklint.path'));
  assert.equal(seen.clients.length, 2);
  assert.equal(seen.clients[0].state, 'stopped');
  assert.deepEqual(seen.clients[1].serverOptions, { command: 'msklint', args: ['server'] }, 'blank means the default');
  assert.equal(seen.clients[1].state, 'running');

  await seen.commands['msklint.restartServer']();
  assert.equal(seen.clients.length, 3);
  assert.equal(seen.clients[1].state, 'stopped');
});

test('a server that cannot start is reported with the setting to fix, not thrown', async () => {
  const { extension, seen, context } = load({ 'msklint.path': 'no-such-msklint' }, { failStart: true });
  await extension.activate(context);
  assert.equal(seen.errors.length, 1);
  assert.match(seen.errors[0].message, /no-such-msklint server/);
  assert.match(seen.errors[0].message, /msklint\.path/);
  assert.deepEqual(seen.opened, [['workbench.action.openSettings', 'msklint.path']]);
  await extension.deactivate();
});

test('the manifest registers the language, its grammar and the settings extension.js reads', () => {
  const [language] = manifest.contributes.languages;
  assert.equal(language.id, 'pathway');
  assert.deepEqual(language.extensions, ['.pathway']);
  const config = JSON.parse(fs.readFileSync(path.join(HERE, language.configuration), 'utf8'));
  assert.deepEqual(config.comments, { lineComment: '#' });
  assert.deepEqual(config.brackets, [['{', '}'], ['[', ']']]);

  const [grammar] = manifest.contributes.grammars;
  assert.equal(grammar.language, 'pathway');
  const tm = JSON.parse(fs.readFileSync(path.join(HERE, grammar.path), 'utf8'));
  assert.equal(tm.scopeName, grammar.scopeName);

  const settings = manifest.contributes.configuration.properties;
  assert.equal(settings['msklint.path'].default, 'msklint');
  assert.deepEqual(settings['msklint.trace.server'].enum, ['off', 'messages', 'verbose']);
  assert.deepEqual(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations, ['msklint.path']);
  assert.deepEqual(
    manifest.contributes.commands.map((c) => c.command),
    ['msklint.restartServer'],
  );

  // The extension wakes for every language it hands to the server.
  const { extension } = load();
  const languages = [...new Set(extension.DOCUMENTS.map((s) => s.language))];
  assert.deepEqual(
    manifest.activationEvents,
    languages.map((l) => `onLanguage:${l}`),
  );
  assert.equal(manifest.main, './extension.js');
  assert.ok(require.resolve('vscode-languageclient/node', { paths: [HERE] }));
});
