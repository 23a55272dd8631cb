// Loads syntaxes/pathway.tmLanguage.json the way VS Code does, with
// vscode-textmate on the Oniguruma regex engine (vscode-oniguruma).
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const textmate = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const GRAMMAR = path.join(__dirname, '..', 'syntaxes', 'pathway.tmLanguage.json');

let ready;
function loadOniguruma() {
  if (!ready) {
    const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
    ready = oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  }
  return ready;
}

/** The grammar as VS Code compiles it. */
async function loadGrammar() {
  await loadOniguruma();
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scopeName) =>
      scopeName === 'source.pathway'
        ? textmate.parseRawGrammar(fs.readFileSync(GRAMMAR, 'utf8'), GRAMMAR)
        : null,
  });
  return registry.loadGrammar('source.pathway');
}

/**
 * Tokenizes `text` line by line. Returns the lines, each a list of
 * `{ text, scopes }`, and the depth of the rule stack after the last line
 * (1 when every block, string and route the text opened was closed).
 */
function tokenize(grammar, text) {
  let stack = textmate.INITIAL;
  const lines = [];
  for (const line of text.split(/\r\n|\r|\n/)) {
    const result = grammar.tokenizeLine(line, stack);
    lines.push(
      result.tokens.map((t) => ({
        text: line.slice(t.startIndex, t.endIndex),
        start: t.startIndex,
        end: t.endIndex,
        scopes: t.scopes,
      })),
    );
    stack = result.ruleStack;
  }
  return { lines, depth: stack.depth };
}

module.exports = { GRAMMAR, loadGrammar, loadOniguruma, oniguruma, tokenize };

// `node test/tokenize.js FILE` prints each token with its scopes.
if (require.main === module) {
  loadGrammar().then((grammar) => {
    const { lines, depth } = tokenize(grammar, fs.readFileSync(process.argv[2], 'utf8'));
    lines.forEach((tokens, i) => {
      for (const t of tokens) {
        console.log(`${i + 1}:${t.start} ${JSON.stringify(t.text)}  ${t.scopes.slice(1).join(' ')}`);
      }
    });
    console.log(`rule stack depth at the end: ${depth}`);
  });
}
