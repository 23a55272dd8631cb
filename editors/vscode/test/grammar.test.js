// The TextMate grammar in syntaxes/pathway.tmLanguage.json, loaded as VS
// Code loads it (vscode-textmate on Oniguruma): every regex compiles, every
// rule is reachable, and pathway text gets the scopes its syntax calls for
// (docs/language.md; grammar/pathway.pest is the source of truth).
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { GRAMMAR, loadGrammar, loadOniguruma, oniguruma, tokenize } = require('./tokenize');

const ROOT = path.join(__dirname, '..', '..', '..');
const EXAMPLE = path.join(ROOT, 'fixtures', 'examples', 'hip-knee-oa.pathway');

/** Every `.pathway` file under `dir`. */
function pathways(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return pathways(full);
    return entry.name.endsWith('.pathway') ? [full] : [];
  });
}

/**
 * A checker for one text: `tokens(line, word, nth)` gives the tokens that
 * make up the `nth` occurrence of `word` on the first line containing
 * `line`; `expect` asserts that each of them carries `scope`.
 */
function reader(grammar, text) {
  const source = text.split(/\r\n|\r|\n/);
  const { lines, depth } = tokenize(grammar, text);
  function tokens(line, word, nth = 1) {
    const row = source.findIndex((l) => l.includes(line));
    assert.notEqual(row, -1, `no line contains ${JSON.stringify(line)}`);
    let at = -1;
    for (let i = 0; i < nth; i++) {
      at = source[row].indexOf(word, at + 1);
      assert.notEqual(at, -1, `${JSON.stringify(word)} is not on line ${row + 1} ${nth} times`);
    }
    return lines[row].filter((t) => t.start < at + word.length && at < t.end);
  }
  function expect(line, word, scope, nth = 1) {
    for (const token of tokens(line, word, nth)) {
      assert.ok(
        token.scopes.includes(scope),
        `${JSON.stringify(word)} in ${JSON.stringify(line)}: expected ${scope}, ` +
          `got ${token.scopes.join(' ')} on ${JSON.stringify(token.text)}`,
      );
    }
  }
  function invalid() {
    return lines.flatMap((tokens, row) =>
      tokens.filter((t) => t.scopes.some((s) => s.startsWith('invalid'))).map((t) => `${row + 1}: ${t.text}`),
    );
  }
  return { tokens, expect, invalid, depth };
}

test('the grammar is JSON, every regex compiles under Oniguruma and every rule is used', async () => {
  const raw = JSON.parse(fs.readFileSync(GRAMMAR, 'utf8'));
  assert.equal(raw.scopeName, 'source.pathway');
  await loadOniguruma();

  const failures = [];
  (function walk(node, where) {
    if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, `${where}[${i}]`));
    } else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (['match', 'begin', 'end', 'while'].includes(key) && typeof value === 'string') {
          try {
            new oniguruma.OnigScanner([value]).dispose();
          } catch (error) {
            failures.push(`${where}.${key}: ${error.message}: ${value}`);
          }
        } else {
          walk(value, `${where}.${key}`);
        }
      }
    }
  })(raw, 'grammar');
  assert.deepEqual(failures, []);

  // Follow the includes from the top: each must name a rule, and each rule
  // must be reached.
  const reached = new Set();
  const missing = [];
  (function follow(node) {
    if (Array.isArray(node)) return node.forEach(follow);
    if (!node || typeof node !== 'object') return;
    if (typeof node.include === 'string') {
      const name = node.include.replace(/^#/, '');
      if (!(name in raw.repository)) missing.push(node.include);
      else if (!reached.has(name)) {
        reached.add(name);
        follow(raw.repository[name]);
      }
    }
    for (const [key, value] of Object.entries(node)) {
      if (key !== 'include') follow(value);
    }
  })(raw.patterns);
  assert.deepEqual(missing, [], 'includes that name no rule');
  const unused = Object.keys(raw.repository).filter((name) => !reached.has(name));
  assert.deepEqual(unused, [], 'rules nothing includes');
});

test('the canonical example gets the scopes of its syntax', async () => {
  const grammar = await loadGrammar();
  const r = reader(grammar, fs.readFileSync(EXAMPLE, 'utf8'));
  assert.equal(r.depth, 1, 'every block was closed');
  assert.deepEqual(r.invalid(), []);

  r.expect('# Hip and knee', '# Hip and knee osteoarthritis', 'comment.line.number-sign.pathway');
  r.expect('pathway "Hip', 'pathway', 'keyword.other.pathway.pathway');
  r.expect('pathway "Hip', 'Hip and knee osteoarthritis', 'entity.name.section.pathway');
  r.expect('owner:', 'owner', 'support.type.property-name.field.pathway');
  r.expect('owner:', '"Example ICB"', 'string.quoted.double.pathway');
  r.expect('condition:', 'osteoarthritis', 'constant.other.word.pathway');
  r.expect('outcomes:', 'proms', 'meta.list.pathway');
  r.expect('rtt_within_18_weeks', 'rtt_within_18_weeks', 'support.type.property-name.field.pathway');
  r.expect('rtt_within_18_weeks', '86%', 'constant.numeric.percentage.pathway');

  r.expect('entry gp:', 'entry', 'storage.type.node.pathway');
  r.expect('entry gp:', 'gp', 'entity.name.function.node.pathway');
  r.expect('entry gp:', '"GP practice"', 'string.quoted.double.pathway');
  r.expect('entry gp:', 'kind', 'support.type.property-name.pathway');
  r.expect('entry gp:', 'gp', 'support.constant.kind.pathway', 2);
  r.expect('entry self:', 'self_referral', 'support.constant.kind.pathway');
  r.expect('entry self:', 'channels', 'support.type.property-name.pathway');
  r.expect('entry self:', 'walk_in', 'support.constant.channel.pathway');
  r.expect('service fcp:', 'service', 'storage.type.node.pathway');
  r.expect('service fcp:', 'fcp', 'entity.name.function.node.pathway');
  r.expect('offers: [assessment', 'offers', 'support.type.property-name.pathway');
  r.expect('offers: [assessment', 'shared_decision_making', 'support.constant.offer.pathway');
  r.expect('exit home:', 'exit', 'storage.type.node.pathway');

  const gate = 'requires: bmi < 40';
  r.expect(gate, 'requires', 'keyword.other.requires.pathway');
  r.expect(gate, 'bmi', 'variable.parameter.criterion.pathway');
  r.expect(gate, '<', 'keyword.operator.comparison.pathway');
  r.expect(gate, '40', 'constant.numeric.pathway');
  r.expect(gate, '==', 'keyword.operator.comparison.pathway');
  r.expect(gate, 'false', 'constant.language.boolean.pathway');

  const dna = 'on_dna: contact then rebook';
  r.expect(dna, 'on_dna', 'keyword.other.on-dna.pathway');
  r.expect(dna, 'contact', 'support.constant.dna-action.pathway');
  r.expect(dna, 'then', 'keyword.control.dna.pathway');
  r.expect(dna, 'rebook', 'support.constant.dna-action.pathway');

  r.expect('gp -> fcp', 'gp', 'variable.other.node.pathway');
  r.expect('gp -> fcp', '->', 'keyword.operator.arrow.pathway');
  r.expect('gp -> fcp', 'fcp', 'variable.other.node.pathway');
  r.expect('fcp -> escape, talking', ',', 'punctuation.separator.comma.pathway');
  r.expect('fcp -> ortho when', 'when', 'keyword.control.when.pathway');
  r.expect('fcp -> ortho when', '"red flags, or severe symptoms after a shared decision"', 'string.quoted.double.pathway');
  r.expect('escape -> ortho requires', 'requires', 'keyword.other.requires.pathway');
  r.expect('escape -> ortho requires', 'symptom_weeks', 'variable.parameter.criterion.pathway');
  r.expect('escape -> ortho requires', '>=', 'keyword.operator.comparison.pathway');
  r.expect('escape, talking, link, rehab -> home', 'rehab', 'variable.other.node.pathway');
  r.expect('escape, talking, link, rehab -> home', 'home', 'variable.other.node.pathway');
});

test('suppression comments show the directive, each rule name and the reason', async () => {
  const grammar = await loadGrammar();
  const r = reader(
    grammar,
    [
      '# msklint: allow(dead-end, unreachable-node) reason: "people leave through the ICB-wide discharge pathway"',
      'pathway "Suppressions" {',
      '  service fls: "Fracture liaison" { kind: fracture_liaison }  # msklint: allow(unreachable-node)',
      '  #msklint: allow( dead-end ) reason: reviewed in March',
      '  # a comment that mentions msklint: allow(dead-end) is not one',
      '}',
      '',
    ].join('\n'),
  );
  const first = 'reason: "people leave';
  r.expect(first, '#', 'comment.line.number-sign.suppression.pathway');
  r.expect(first, 'msklint', 'keyword.control.directive.msklint.pathway');
  r.expect(first, 'allow', 'keyword.control.directive.allow.pathway');
  r.expect(first, 'dead-end', 'constant.other.rule.pathway');
  r.expect(first, 'unreachable-node', 'constant.other.rule.pathway');
  r.expect(first, 'reason', 'keyword.other.reason.pathway');
  r.expect(first, '"people leave through the ICB-wide discharge pathway"', 'string.quoted.double.reason.pathway');

  // After code on the same line, and without a reason.
  r.expect('service fls', 'fracture_liaison', 'support.constant.kind.pathway');
  r.expect('service fls', 'unreachable-node', 'constant.other.rule.pathway');
  r.expect('service fls', 'unreachable-node', 'comment.line.number-sign.suppression.pathway');

  // No space after `#`, spaces inside the brackets, an unquoted reason.
  r.expect('#msklint:', 'msklint', 'keyword.control.directive.msklint.pathway');
  r.expect('#msklint:', 'dead-end', 'constant.other.rule.pathway');
  r.expect('#msklint:', 'reviewed in March', 'string.unquoted.reason.pathway');

  // `msklint:` further into a comment is not a suppression (suppress.rs).
  r.expect('a comment that mentions', 'msklint: allow(dead-end)', 'comment.line.number-sign.pathway');
  for (const token of r.tokens('a comment that mentions', 'msklint: allow(dead-end)')) {
    const plain = token.scopes.filter((s) => /suppression|directive|rule/.test(s));
    assert.deepEqual(plain, [], `${JSON.stringify(token.text)} is read as a suppression`);
  }
  assert.equal(r.depth, 1);
});

test('strings, numbers and the mistakes msklint reports are told apart', async () => {
  const grammar = await loadGrammar();
  const r = reader(
    grammar,
    [
      'stray text',
      'pathway "The \\"MSK\\" team \\q" {',
      '  inequalites: "Panel # notes:\\n\\tsee \\\\ MSK"',
      '  entry gp: "GP practice" { kind: secondry  provider: "Community Trust" }',
      '  service ortho: "Orthopaedics" { requires: age < "adult", bmi = 40, oxford_score <= 60%  on_dna: review after 1 then remove after 2  gap: 12weeks }',
      '  service a: "A" {',
      '    offers: [',
      '      exercise,',
      '      hydrotherapy,',
      '    ]',
      '  }',
      '  gp -> ortho when: "red flags"',
      '  gp -> a requires pain_score >= -1.5, referred == true',
      '}',
      '',
    ].join('\n'),
  );
  r.expect('stray text', 'stray', 'invalid.illegal.outside-pathway.pathway');
  r.expect('pathway "The', '\\"', 'constant.character.escape.pathway');
  r.expect('pathway "The', '\\q', 'invalid.illegal.escape.pathway');
  r.expect('inequalites', 'inequalites', 'variable.other.property.pathway');
  r.expect('inequalites', '# notes', 'string.quoted.double.pathway');
  r.expect('inequalites', '\\n', 'constant.character.escape.pathway');
  r.expect('inequalites', '\\\\', 'constant.character.escape.pathway');

  // A kind outside the vocabulary is a plain word; a free property is not a known one.
  r.expect('kind: secondry', 'secondry', 'constant.other.word.pathway');
  r.expect('kind: secondry', 'provider', 'variable.other.property.pathway');

  const ortho = 'service ortho';
  r.expect(ortho, '"adult"', 'string.quoted.double.pathway');
  // The first `=` is `bmi = 40`'s.
  r.expect(ortho, '=', 'invalid.illegal.operator.pathway');
  r.expect(ortho, '<=', 'keyword.operator.comparison.pathway');
  r.expect(ortho, '60%', 'constant.numeric.percentage.pathway');
  r.expect(ortho, 'review', 'support.constant.dna-action.pathway');
  r.expect(ortho, 'after', 'keyword.control.dna.pathway');
  r.expect(ortho, 'remove', 'support.constant.dna-action.pathway');
  r.expect(ortho, 'gap', 'variable.other.property.pathway');
  r.expect(ortho, '12weeks', 'invalid.illegal.number.pathway');

  // A list spread over lines keeps its context.
  r.expect('exercise,', 'exercise', 'support.constant.offer.pathway');
  r.expect('hydrotherapy,', 'hydrotherapy', 'constant.other.word.pathway');

  r.expect('gp -> ortho when:', 'when:', 'invalid.illegal.route-clause-colon.pathway');
  r.expect('gp -> a requires', 'pain_score', 'variable.parameter.criterion.pathway');
  r.expect('gp -> a requires', '-1.5', 'constant.numeric.pathway');
  r.expect('gp -> a requires', 'true', 'constant.language.boolean.pathway');
  assert.equal(r.depth, 1);
});

test('every pathway in fixtures/ tokenizes, and those that parse close every block', async () => {
  const grammar = await loadGrammar();
  const files = pathways(path.join(ROOT, 'fixtures'));
  assert.ok(files.length >= 50, `only ${files.length} fixtures found`);
  const problems = [];
  for (const file of files) {
    const r = reader(grammar, fs.readFileSync(file, 'utf8'));
    // fixtures/invalid/ holds files with syntax errors on purpose.
    if (file.includes(`${path.sep}invalid${path.sep}`)) continue;
    const name = path.relative(ROOT, file);
    if (r.depth !== 1) problems.push(`${name}: a block, string or route is still open at the end`);
    for (const token of r.invalid()) problems.push(`${name}:${token} is marked invalid`);
  }
  assert.deepEqual(problems, []);
});
