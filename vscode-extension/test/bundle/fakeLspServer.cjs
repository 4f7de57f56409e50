#!/usr/bin/env node
// A stand-in for nexa-lsp in the bundle test: LSP over stdio (Content-Length framing), answering
// initialize, nexa/dag and shutdown. It appends each message's method to $FAKE_LSP_LOG, one JSON
// object per line, so the test can see what the real vscode-languageclient sent.
// FAKE_LSP_NO_DAG=1 makes nexa/dag fail with MethodNotFound, like a server without the request.
'use strict';
const fs = require('node:fs');

const log = (entry) => {
  if (process.env.FAKE_LSP_LOG) {
    fs.appendFileSync(process.env.FAKE_LSP_LOG, `${JSON.stringify(entry)}\n`);
  }
};

const send = (message) => {
  const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...message }), 'utf8');
  process.stdout.write(`Content-Length: ${body.length}\r\n\r\n`);
  process.stdout.write(body);
};

function handle(message) {
  log({ method: message.method ?? null, params: message.params ?? null });
  switch (message.method) {
    case 'initialize':
      send({ id: message.id, result: { capabilities: { textDocumentSync: 1 }, serverInfo: { name: 'fake-nexa-lsp' } } });
      return;
    case 'nexa/dag':
      if (process.env.FAKE_LSP_NO_DAG === '1') {
        send({ id: message.id, error: { code: -32601, message: 'Unhandled method nexa/dag' } });
        return;
      }
      send({
        id: message.id,
        result: {
          flow: message.params.flow ?? 'main',
          flows: ['main', 'quick'],
          nodes: [
            { id: 'n1', kind: 'input', label: 'topic', range: null, uri: null },
            { id: 'n2', kind: 'agent', label: 'Editor', range: { start: { line: 1, character: 4 }, end: { line: 1, character: 10 } }, uri: null },
          ],
          edges: [{ source: 'n1', target: 'n2', label: null }],
        },
      });
      return;
    case 'shutdown':
      send({ id: message.id, result: null });
      return;
    case 'exit':
      process.exit(0);
      return;
    default:
      if (message.id !== undefined && message.method !== undefined) {
        send({ id: message.id, result: null });
      }
  }
}

let buffer = Buffer.alloc(0);
process.stdin.on('data', (chunk) => {
  buffer = Buffer.concat([buffer, chunk]);
  for (;;) {
    const headerEnd = buffer.indexOf('\r\n\r\n');
    if (headerEnd < 0) {
      return;
    }
    const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, headerEnd).toString('ascii'))?.[1] ?? 0);
    if (buffer.length < headerEnd + 4 + length) {
      return;
    }
    const body = buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8');
    buffer = buffer.subarray(headerEnd + 4 + length);
    handle(JSON.parse(body));
  }
});
