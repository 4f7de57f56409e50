// A second, independent client for nexa-dap: Microsoft's DebugClient (@vscode/debugadapter-testsupport)
// under node's test runner, on the same scenarios as tests/e2e/dap/test_dap_sessions.py.
//
//   NEXA_PYTHON=/path/to/.venv/bin/python node --test dap.test.js
//
// The adapter is started as `python <venv>/bin/nexa-dap` (DebugClient spawns runtime + one argument).
'use strict';

const { test, beforeEach, afterEach } = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { DebugClient } = require('@vscode/debugadapter-testsupport');

const PYTHON = process.env.NEXA_PYTHON || path.resolve(__dirname, '../../../../.venv/bin/python');
const ADAPTER = path.join(path.dirname(PYTHON), 'nexa-dap');
const CORPUS = path.resolve(__dirname, '../../../../../shared/corpus/upstream');

const CALLS = [
  'flow helper(n) {',
  '    doubled = n * 2',
  '    return doubled + 1',
  '}',
  '',
  'flow main {',
  '    x = 1',
  '    y = helper(x)',
  '    print("y is", y)',
  '    z = y + 10',
  '    print("z is", z)',
  '}',
  '',
].join('\n');

let dc;
let folder;

function write(name, text) {
  const file = path.join(folder, name);
  fs.writeFileSync(file, text, 'utf8');
  return file;
}

beforeEach(async () => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'nexa-dap-node-'));
  dc = new DebugClient(PYTHON, ADAPTER, 'nexa', { cwd: folder });
  dc.defaultTimeout = 20000;
  await dc.start();
});

afterEach(async () => {
  await dc.stop();
  fs.rmSync(folder, { recursive: true, force: true });
});

test('initialize reports the capabilities the adapter implements', async () => {
  const response = await dc.initializeRequest();
  assert.strictEqual(response.body.supportsConfigurationDoneRequest, true);
  assert.strictEqual(response.body.supportsStepBack, true);
  assert.deepStrictEqual(response.body.exceptionBreakpointFilters.map((f) => f.filter), ['raised', 'uncaught']);
});

test('an unknown request gets an error response', async () => {
  await assert.rejects(dc.customRequest('frobnicate', {}), /unknown request 'frobnicate'/);
});

test('hitBreakpoint: stops on the line with the right locals', async () => {
  const program = write('main.nx', CALLS);
  await dc.hitBreakpoint({ program }, { path: program, line: 10 });
  const stack = await dc.stackTraceRequest({ threadId: 1 });
  const frame = stack.body.stackFrames[0];
  assert.strictEqual(frame.name, 'flow main');
  const scopes = await dc.scopesRequest({ frameId: frame.id });
  const locals = await dc.variablesRequest({ variablesReference: scopes.body.scopes[0].variablesReference });
  assert.deepStrictEqual(
    locals.body.variables.map((v) => [v.name, v.value]),
    [['x', '1'], ['y', '3']],
  );
  await Promise.all([dc.continueRequest({ threadId: 1 }), dc.waitForEvent('terminated')]);
});

test('breakpoint in a corpus program (v2.0/06_fork_merge.nx)', async () => {
  const program = path.join(CORPUS, 'v2.0', '06_fork_merge.nx');
  const line = fs.readFileSync(program, 'utf8').split('\n').findIndex((text) => text.startsWith('    fork [')) + 1;
  await dc.hitBreakpoint({ program, cwd: folder }, { path: program, line });
  await Promise.all([
    dc.continueRequest({ threadId: 1 }),
    dc.assertOutput('stdout', 'Fork merged with best_of strategy.'), // printed after the breakpoint
  ]);
});

test('step in, step out and next across a flow call', async () => {
  const program = write('main.nx', CALLS);
  await dc.hitBreakpoint({ program }, { path: program, line: 8 });
  await Promise.all([dc.stepInRequest({ threadId: 1 }), dc.assertStoppedLocation('step', { path: program, line: 2 })]);
  await Promise.all([dc.stepOutRequest({ threadId: 1 }), dc.assertStoppedLocation('step', { line: 9 })]);
  await Promise.all([dc.nextRequest({ threadId: 1 }), dc.assertStoppedLocation('step', { line: 10 })]);
});

test('evaluate and setVariable in the paused frame', async () => {
  const program = write('main.nx', CALLS);
  await dc.hitBreakpoint({ program }, { path: program, line: 9 });
  const stack = await dc.stackTraceRequest({ threadId: 1 });
  const frameId = stack.body.stackFrames[0].id;
  const value = await dc.evaluateRequest({ expression: 'y * 2 + x', frameId, context: 'watch' });
  assert.strictEqual(value.body.result, '7');
  const scopes = await dc.scopesRequest({ frameId });
  await dc.setVariableRequest({ variablesReference: scopes.body.scopes[0].variablesReference, name: 'y', value: '42' });
  await Promise.all([dc.continueRequest({ threadId: 1 }), dc.assertOutput('stdout', 'y is 42\nz is 52\n')]);
});

test('step back restores the earlier value', async () => {
  const program = write('back.nx', 'flow main {\n    x = 1\n    x = 2\n    x = 3\n    print(x)\n}\n');
  await dc.hitBreakpoint({ program }, { path: program, line: 4 });
  await Promise.all([dc.stepBackRequest({ threadId: 1 }), dc.assertStoppedLocation('step', { line: 3 })]);
  const value = await dc.evaluateRequest({ expression: 'x', context: 'watch' });
  assert.strictEqual(value.body.result, '1');
});

test('an uncaught error stops on exception, then the run ends with exit code 1', async () => {
  const program = write('crash.nx', 'flow main {\n    scores = [4, 8, 15]\n    print(scores[3])\n}\n');
  await Promise.all([
    dc.configurationSequence(),
    dc.launch({ program }),
    dc.assertStoppedLocation('exception', { path: program, line: 3 }),
  ]);
  const info = await dc.exceptionInfoRequest({ threadId: 1 });
  assert.strictEqual(info.body.exceptionId, 'E100');
  const exited = dc.waitForEvent('exited');
  const terminated = dc.waitForEvent('terminated');
  await dc.continueRequest({ threadId: 1 });
  assert.strictEqual((await exited).body.exitCode, 1);
  await terminated;
});

test('launching a file with syntax errors fails and reports the diagnostics', async () => {
  const program = write('broken.nx', 'flow main {\n    x = (1 +\n}\n');
  const diagnostics = dc.assertOutput('stderr', '');
  await assert.rejects(dc.launch({ program }), /has errors/);
  await diagnostics;
  const response = await dc.threadsRequest(); // the adapter is still up
  assert.ok(Array.isArray(response.body.threads));
});
