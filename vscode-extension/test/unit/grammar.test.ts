/**
 * The TextMate grammar, run through vscode-textmate and Oniguruma (the engine VS Code uses), on Nexa
 * snippets. Each test names what a reader should see coloured and how.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';

const GRAMMAR_PATH = fileURLToPath(new URL('../../syntaxes/nexa.tmLanguage.json', import.meta.url));
/** A stand-in for VS Code's Python grammar: enough to see that python! content is handed to it. */
const PYTHON_STUB = {
  scopeName: 'source.python',
  patterns: [{ match: '\\b(import|return)\\b', name: 'keyword.control.python' }],
};

let grammar: textmate.IGrammar;

beforeAll(async () => {
  const require = createRequire(import.meta.url);
  const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text: string) => new oniguruma.OnigString(text),
    }),
    loadGrammar: (scopeName: string) => {
      if (scopeName === 'source.nexa') {
        return Promise.resolve(textmate.parseRawGrammar(readFileSync(GRAMMAR_PATH, 'utf8'), GRAMMAR_PATH));
      }
      if (scopeName === 'source.python') {
        return Promise.resolve(textmate.parseRawGrammar(JSON.stringify(PYTHON_STUB), 'python.json'));
      }
      return Promise.resolve(null);
    },
  });
  const loaded = await registry.loadGrammar('source.nexa');
  if (!loaded) {
    throw new Error('grammar did not load');
  }
  grammar = loaded;
});

interface Token {
  readonly text: string;
  readonly scopes: readonly string[];
}

function tokenize(source: string): Token[][] {
  let state = textmate.INITIAL;
  return source.split('\n').map((line) => {
    const result = grammar.tokenizeLine(line, state);
    state = result.ruleStack;
    return result.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
  });
}

/** Scopes of the token holding the first character of the `nth` occurrence of `needle`. */
function scopesAt(source: string, needle: string, nth = 0): readonly string[] {
  let offset = -1;
  for (let i = 0; i <= nth; i++) {
    offset = source.indexOf(needle, offset + 1);
  }
  if (offset < 0) {
    throw new Error(`${needle} not in source`);
  }
  const lines = tokenize(source);
  const before = source.slice(0, offset).split('\n');
  const lineTokens = lines[before.length - 1] ?? [];
  let column = (before.at(-1) ?? '').length;
  for (const token of lineTokens) {
    if (column < token.text.length) {
      return token.scopes;
    }
    column -= token.text.length;
  }
  throw new Error(`no token at ${needle}`);
}

function expectScope(source: string, needle: string, scope: string, nth = 0): void {
  const scopes = scopesAt(source, needle, nth);
  expect(scopes.some((s) => s === scope || s.startsWith(`${scope}.`)), `${needle}: ${scopes.join(' ')}`).toBe(true);
}

function expectNoScope(source: string, needle: string, scope: string, nth = 0): void {
  const scopes = scopesAt(source, needle, nth);
  expect(scopes.some((s) => s === scope || s.startsWith(`${scope}.`)), `${needle}: ${scopes.join(' ')}`).toBe(false);
}

describe('declarations', () => {
  const source = [
    '@limit(max_tokens=200)',
    'agent Summarizer uses std.fs implements Digest {',
    '    role: "Editor",',
    '    model "gpt-4o-mini"',
    '    colour: "blue"',
    '    memory = db(notes)',
    '}',
    'protocol Digest { title: str, points: list[str] }',
    'tool currency_rate { description: "Rates", parameters: {"base": "string"} }',
    'flow main(topic: str) -> str { return topic }',
  ].join('\n');

  it('names the declared agent, protocol, tool and flow as entity names', () => {
    expectScope(source, 'Summarizer', 'entity.name.type.agent.nexa');
    expectScope(source, 'Digest {', 'entity.name.type.protocol.nexa', 1);
    expectScope(source, 'currency_rate', 'entity.name.function.tool.nexa');
    expectScope(source, 'main', 'entity.name.function.flow.nexa');
  });

  it('marks the declaration keywords', () => {
    expectScope(source, 'agent', 'storage.type.agent.nexa');
    expectScope(source, 'protocol', 'storage.type.protocol.nexa');
    expectScope(source, 'tool', 'storage.type.tool.nexa');
    expectScope(source, 'flow', 'storage.type.flow.nexa');
  });

  it('reads a decorator with its parameter', () => {
    expectScope(source, 'limit', 'entity.name.function.decorator.nexa');
    expectScope(source, 'max_tokens', 'variable.parameter.decorator.nexa');
    expectScope(source, '200', 'constant.numeric.integer.nexa');
  });

  it('tells known agent properties from unknown ones in all three member forms', () => {
    expectScope(source, 'role', 'support.type.property-name.agent.nexa');
    expectScope(source, 'model', 'support.type.property-name.agent.nexa');
    expectScope(source, 'memory', 'support.type.property-name.agent.nexa');
    expectScope(source, 'colour', 'variable.other.property.agent.nexa');
  });

  it('reads the agent header clauses', () => {
    expectScope(source, 'uses', 'keyword.other.uses.nexa');
    expectScope(source, 'implements', 'keyword.other.implements.nexa');
    expectScope(source, 'Digest', 'entity.other.inherited-class.protocol.nexa');
  });

  it('reads flow parameters and types', () => {
    expectScope(source, 'topic', 'variable.parameter.nexa');
    expectScope(source, 'str)', 'support.type.primitive.nexa');
    expectScope(source, 'str {', 'support.type.primitive.nexa');
  });
});

describe('DAG operators', () => {
  const source = 'brief = topic |>> [A, B] &>> Editor >> Proof\nv = xs && Chair\nalert || [Pager]\nslug = t |> make_slug\nr = q ?? Fast : Slow';

  it('gives each of the six operators its own scope', () => {
    expectScope(source, '|>>', 'keyword.operator.dag.fork.nexa');
    expectScope(source, '&>>', 'keyword.operator.dag.merge.nexa');
    expectScope(source, '>> Proof', 'keyword.operator.dag.pipeline.nexa');
    expectScope(source, '&&', 'keyword.operator.dag.consensus.nexa');
    expectScope(source, '||', 'keyword.operator.dag.fire-and-forget.nexa');
    expectScope(source, '|>', 'keyword.operator.dag.pipe.nexa', 1);
  });

  it('reads ?? and a mid-line colon without taking the agent for a key', () => {
    expectScope(source, '??', 'keyword.operator.branch.nexa');
    expectNoScope(source, 'Fast', 'variable.other.property');
    expectScope(source, 'Fast', 'entity.name.type.nexa');
  });
});

describe('strings', () => {
  it('colours #{…} interpolation and escapes inside double and single quotes', () => {
    const source = 'print("Hi #{who.name}, \\n \\#{x}")\nprint(\'#{scores[1]}\')';
    expectScope(source, '#{', 'punctuation.section.interpolation.begin.nexa');
    expectScope(source, 'who', 'variable.other.readwrite.nexa');
    expectScope(source, '\\n', 'constant.character.escape.nexa');
    expectScope(source, '\\#', 'constant.character.escape.nexa');
    expectScope(source, 'scores', 'meta.interpolation.nexa');
  });

  it('keeps an invalid interpolation as plain string text', () => {
    const source = 'print("#{a + b}")';
    expectNoScope(source, '#{', 'meta.interpolation.nexa');
    expectScope(source, '#{', 'string.quoted.double.nexa');
  });

  it('reads a triple-quoted string across lines without escapes or interpolation', () => {
    const source = 'p = """\nline #{x} \\n\n"""\nq = 1';
    expectScope(source, '#{x}', 'string.quoted.triple.nexa');
    expectNoScope(source, '#{x}', 'meta.interpolation.nexa');
    expectNoScope(source, '\\n', 'constant.character.escape.nexa');
    expectScope(source, '1', 'constant.numeric.integer.nexa');
  });

  it('reads raw strings verbatim', () => {
    const source = 'semantic_if "asks for a refund" fast_match r"refund|\\d+" against t { }';
    expectScope(source, 'refund|', 'string.regexp.nexa');
    expectScope(source, 'fast_match', 'keyword.other.fast-match.nexa');
    expectScope(source, 'against', 'keyword.other.against.nexa');
    const raw = 'x = r"C:\\new"';
    expectScope(raw, 'C:', 'string.quoted.double.raw.nexa');
    expectNoScope(raw, '\\n', 'constant.character.escape.nexa');
  });

  it('reads template strings with {{ }} tags, blocks and filters', () => {
    const source = 'let t = template"""{{#for x in items}}{{ x.name | upper }}{{/for}}\n{{{ html }}}"""';
    expectScope(source, 'template', 'storage.type.string.template.nexa');
    expectScope(source, 'for', 'keyword.control.template.nexa');
    expectScope(source, 'upper', 'support.function.filter.nexa');
    expectScope(source, 'html', 'meta.embedded.template.nexa');
    expectScope(source, '"""{{', 'string.quoted.triple.template.nexa');
  });

  it('hands python! blocks to the Python grammar', () => {
    const source = 'flow f {\n    python! """\nimport math\nreturn 1\n"""\n    print("done")\n}';
    expectScope(source, 'python!', 'keyword.other.python.nexa');
    expectScope(source, 'import', 'meta.embedded.block.python');
    expectScope(source, 'import', 'keyword.control.python');
    expectScope(source, 'print', 'keyword.other.builtin.nexa');
    expectNoScope(source, 'print', 'meta.embedded.block.python');
  });

  it('ends an unterminated one-line string at the end of the line', () => {
    const source = 'x = "open\ny = 2';
    expectScope(source, '2', 'constant.numeric.integer.nexa');
  });
});

describe('comments, numbers and keywords', () => {
  it('reads line and block comments, and never # as a comment', () => {
    const source = '// 中文注释\n// @implements: feature.dag\n/* a\n b */ x = 1\ny = "# not a comment"';
    expectScope(source, '中文', 'comment.line.double-slash.nexa');
    expectScope(source, '@implements', 'storage.type.annotation.nexa');
    expectScope(source, 'b */', 'comment.block.nexa');
    expectScope(source, '1', 'constant.numeric.integer.nexa');
    expectNoScope(source, '# not', 'comment');
  });

  it('reads integers and floats, with exponents', () => {
    const source = 'a = 42\nb = 0.7\nc = 1e-3\nd = 2..rest';
    expectScope(source, '42', 'constant.numeric.integer.nexa');
    expectScope(source, '0.7', 'constant.numeric.float.nexa');
    expectScope(source, '1e-3', 'constant.numeric.float.nexa');
    expectScope(source, '..', 'keyword.operator.rest.nexa');
  });

  it('marks reserved keywords, word operators and literals', () => {
    const source = 'loop { x = await h } until (done and not failed)\ntry { raise Oops("x") } catch (e) { return none }';
    expectScope(source, 'loop', 'keyword.control.nexa');
    expectScope(source, 'until', 'keyword.control.nexa');
    expectScope(source, 'await', 'keyword.control.flow.await.nexa');
    expectScope(source, 'and', 'keyword.operator.expression.logical.nexa');
    expectScope(source, 'raise', 'keyword.control.flow.nexa');
    expectScope(source, 'catch', 'keyword.control.nexa');
    expectScope(source, 'none', 'constant.language.null.nexa');
  });

  it('treats reserved words in key and member positions as names', () => {
    const source = 'x = {agent: 1, type: "t"}\ny = req.match';
    expectScope(source, 'agent', 'variable.other.property.key.nexa');
    expectNoScope(source, 'agent', 'storage.type');
    expectScope(source, 'match', 'variable.other.property.nexa');
  });

  it('marks contextual keywords only where they are keywords', () => {
    const source = [
      'reply = match m {',
      '    intent("wants a refund") => Refunds.run(m)',
      '}',
      'best = fork [A.run(q), B.run(q)] merge best_of',
      'pass "hi" to actor',
      'to = 3',
    ].join('\n');
    expectScope(source, 'intent', 'keyword.control.intent.nexa');
    expectScope(source, 'merge', 'keyword.control.merge.nexa');
    expectScope(source, 'best_of', 'support.constant.merge-strategy.nexa');
    expectScope(source, 'to actor', 'keyword.other.to.nexa');
    expectNoScope(source, 'to =', 'keyword');
  });

  it('reads harness parameters as parameter names', () => {
    const source = 'autoloop max_steps: 8, exit_when: "tests pass" { verify result satisfies Report }';
    expectScope(source, 'autoloop', 'keyword.control.harness.nexa');
    expectScope(source, 'max_steps', 'variable.parameter.harness.nexa');
    expectScope(source, 'satisfies', 'keyword.other.satisfies.nexa');
  });
});

/** The upstream example programs, read in place from the shared folder beside the repository. */
const CORPUS = fileURLToPath(new URL('../../../../shared/corpus/upstream/', import.meta.url));

function corpusFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? corpusFiles(path) : /\.nx(lib)?$/.test(name) ? [path] : [];
  });
}

describe.skipIf(!existsSync(CORPUS))('the upstream corpus', () => {
  it('leaves no region open at the end of any file, and starts every top-level declaration at top level', () => {
    const files = corpusFiles(CORPUS);
    expect(files.length).toBeGreaterThan(50);
    const problems: string[] = [];
    for (const file of files) {
      let state = textmate.INITIAL;
      readFileSync(file, 'utf8')
        .split(/\r?\n/)
        .forEach((line, index) => {
          const result = grammar.tokenizeLine(line, state);
          const first = result.tokens[0];
          if (/^(agent|flow|tool|protocol) /.test(line) && first && first.scopes.length > 2 && !/^meta\.(agent|flow|tool|protocol)\.nexa$/.test(first.scopes[1] ?? '')) {
            problems.push(`${file}:${index + 1} starts inside ${first.scopes.slice(1).join(' ')}`);
          }
          state = result.ruleStack;
        });
      if (state.depth !== 1) {
        problems.push(`${file}: ends with ${state.depth - 1} region(s) open`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('type annotations', () => {
  it('end a one-line trait method without swallowing the closing brace', () => {
    const source = 'trait Printable { fn format() : String }';
    expectScope(source, 'String', 'support.type.primitive.nexa');
    let state = textmate.INITIAL;
    for (const line of [source, 'impl Printable for Point { fn format() { "Point" } }', 'flow f(x: int) -> str { return "a" }']) {
      state = grammar.tokenizeLine(line, state).ruleStack;
      expect(state.depth, line).toBe(1);
    }
  });
});
