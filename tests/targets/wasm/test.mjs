// Loads the alipay-codec wasm32 module with Node's built-in WebAssembly API and checks the
// known answers of tests/vectors/requests.json: every sign-content case, every signing case
// (unblinded, and blinded with a seed from crypto.getRandomValues), verification and tamper
// rejection; plus the bundled PEM keys and error reporting. Prints time and peak heap per
// operation.
//
//   ALIPAY_CODEC_WASM=path/to/module.wasm node --test tests/targets/wasm/test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { webcrypto } from 'node:crypto';

const here = dirname(fileURLToPath(import.meta.url));
const tests = join(here, '..', '..');
const wasmPath = process.env.ALIPAY_CODEC_WASM
  ?? join(here, 'target', 'wasm32-unknown-unknown', 'release', 'alipay_codec_wasm.wasm');

const OK = 0, INVALID_SIGNATURE = -1, ERROR = -2, BAD_ARGUMENT = -3;
const RSA2 = 2, RSA = 1;

const module = new WebAssembly.Module(readFileSync(wasmPath));
assert.deepEqual(WebAssembly.Module.imports(module), [], 'the module imports nothing');
const { exports: w } = new WebAssembly.Instance(module, {});

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: true });

/** Copies bytes into module memory; returns [ptr, len, free]. */
function put(bytes) {
  if (typeof bytes === 'string') bytes = enc.encode(bytes);
  const ptr = w.alipay_alloc(bytes.length);
  assert.notEqual(ptr, 0, 'alipay_alloc');
  new Uint8Array(w.memory.buffer, ptr, bytes.length).set(bytes);
  return [ptr, bytes.length, () => w.alipay_free(ptr, bytes.length)];
}

/** Calls f with each argument copied in as (ptr, len); frees them after. */
function withBuffers(args, f) {
  const bufs = args.map(put);
  try {
    return f(...bufs.flatMap(([p, n]) => [p, n]));
  } finally {
    bufs.forEach(([, , free]) => free());
  }
}

function output() {
  const ptr = w.alipay_output_ptr(), len = w.alipay_output_len();
  return dec.decode(new Uint8Array(w.memory.buffer, ptr, len).slice());
}

function call(status) {
  return { status, text: output() };
}

const appKey = (text) => withBuffers([text], (p, n) => w.alipay_app_key_parse(p, n));
const publicKey = (text) => withBuffers([text], (p, n) => w.alipay_public_key_parse(p, n));
const signContent = (params) =>
  call(withBuffers([JSON.stringify(params)], (p, n) => w.alipay_sign_content(p, n)));
const sign = (key, type, params, seed = new Uint8Array(0)) =>
  call(withBuffers([JSON.stringify(params), seed], (p, n, s, m) => w.alipay_sign(key, type, p, n, s, m)));
const verify = (key, type, params, sig) =>
  call(withBuffers([JSON.stringify(params), sig], (p, n, s, m) => w.alipay_verify(key, type, p, n, s, m)));
const seed32 = () => webcrypto.getRandomValues(new Uint8Array(32));

const fixtures = JSON.parse(readFileSync(join(here, '..', 'fixtures.json'), 'utf8'));
const encodeRequest = (key, type, r, seed = new Uint8Array(0)) =>
  call(withBuffers([r.app_id, r.method, r.biz_content, r.timestamp, seed],
    (a, an, m, mn, b, bn, t, tn, s, sn) => w.alipay_encode_request(key, type, a, an, m, mn, b, bn, t, tn, s, sn)));
const decodeResponse = (key, type, method, body) =>
  call(withBuffers([method, body], (m, mn, b, bn) => w.alipay_decode_response(key, type, m, mn, b, bn)));
const vectors = JSON.parse(readFileSync(join(tests, 'vectors', 'requests.json'), 'utf8'));
const signType = (name) => ({ RSA2, RSA })[name];

test('every sign_content case', () => {
  for (const c of vectors.sign_content) {
    const r = signContent(c.params);
    assert.equal(r.status, OK, `${c.id}: ${r.text}`);
    assert.equal(r.text, c.content, c.id);
  }
});

test('every sign case: content, unblinded and blinded signature, verify, tamper', () => {
  for (const c of vectors.sign) {
    const k = vectors.keys[c.key];
    const app = appKey(k.private);
    assert.notEqual(app, 0, `${c.id}: ${output()}`);
    const pub = publicKey(k.public);
    assert.notEqual(pub, 0, `${c.id}: ${output()}`);
    const type = signType(c.sign_type);

    assert.deepEqual(signContent(c.params), { status: OK, text: c.content }, c.id);
    assert.deepEqual(sign(app, type, c.params), { status: OK, text: c.sign }, `${c.id} unblinded`);
    assert.deepEqual(sign(app, type, c.params, seed32()), { status: OK, text: c.sign }, `${c.id} blinded`);
    assert.equal(verify(pub, type, c.params, c.sign).status, OK, c.id);

    const tampered = c.params.map(([key, value], i) => (i === 0 ? [key, value + 'x'] : [key, value]));
    assert.equal(verify(pub, type, tampered, c.sign).status, INVALID_SIGNATURE, `${c.id} tampered`);
    const other = signType(c.sign_type === 'RSA2' ? 'RSA' : 'RSA2');
    assert.equal(verify(pub, other, c.params, c.sign).status, INVALID_SIGNATURE, `${c.id} other hash`);

    w.alipay_public_key_free(pub);
    w.alipay_app_key_free(app);
  }
});

test('the bundled PEM keys give the seed example known answer', () => {
  const c = vectors.sign.find((s) => s.id === 'seed-example-request');
  const app = appKey(readFileSync(join(tests, 'keys', 'app_private_pkcs8.pem'), 'utf8'));
  assert.notEqual(app, 0, output());
  const pub = publicKey(readFileSync(join(tests, 'keys', 'app_public.pem'), 'utf8'));
  assert.notEqual(pub, 0, output());
  const derived = w.alipay_app_key_public(app);
  assert.deepEqual(sign(app, RSA2, c.params, seed32()), { status: OK, text: c.sign });
  assert.equal(verify(pub, RSA2, c.params, c.sign).status, OK);
  assert.equal(verify(derived, RSA2, c.params, c.sign).status, OK);
  [pub, derived].forEach((h) => w.alipay_public_key_free(h));
  w.alipay_app_key_free(app);
});

test('encode the seed request: query, body, sign content and signature', () => {
  const r = fixtures.request;
  const app = appKey(readFileSync(join(tests, 'keys', 'app_private_pkcs8.pem'), 'utf8'));
  for (const seed of [new Uint8Array(0), seed32()]) {
    const res = encodeRequest(app, RSA2, r, seed);
    assert.equal(res.status, OK, res.text);
    assert.deepEqual(JSON.parse(res.text),
      { query: r.query, body: r.body, sign_content: r.sign_content, sign: r.sign });
  }
  assert.equal(encodeRequest(app, RSA2, { ...r, timestamp: '2014-07-24T03:07:50' }).status, ERROR);
  w.alipay_app_key_free(app);
});

test('decode and verify a signed verifyidentity.apply response; tampering is rejected', () => {
  const r = fixtures.response;
  const alipay = publicKey(readFileSync(join(tests, 'keys', 'alipay_public.pem'), 'utf8'));
  assert.notEqual(alipay, 0, output());
  const res = decodeResponse(alipay, RSA2, r.method, r.body);
  assert.equal(res.status, OK, res.text);
  const got = JSON.parse(res.text);
  assert.equal(got.node, 'alipay_security_risk_verifyidentity_apply_response');
  assert.equal(got.code, '10000');
  assert.equal(got.msg, 'Success');
  assert.equal(got.span, r.signed_span);
  const node = JSON.parse(got.span);
  assert.equal(node.err_code, 'SYSTEM_ERROR');
  assert.equal(node.err_message, '系统错误');
  assert.equal(JSON.parse(node.usable_product_group).name, 'NATIVE_PAYMENT_PASSWORD');

  const tampered = r.body.replace('"Success"', '"Succesz"');
  assert.equal(decodeResponse(alipay, RSA2, r.method, tampered).status, INVALID_SIGNATURE);
  // The app's own key must not verify Alipay's response.
  const app = appKey(readFileSync(join(tests, 'keys', 'app_private_pkcs8.pem'), 'utf8'));
  const own = w.alipay_app_key_public(app);
  assert.equal(decodeResponse(own, RSA2, r.method, r.body).status, INVALID_SIGNATURE);
  assert.equal(decodeResponse(alipay, RSA2, 'alipay.trade.query', r.body).status, ERROR, 'no node');
  [alipay, own].forEach((h) => w.alipay_public_key_free(h));
  w.alipay_app_key_free(app);
});

test('errors come back as statuses with a message', () => {
  assert.equal(appKey('not a key'), 0);
  assert.ok(output().length > 0);
  const bad = signContent([['a=b', '1']]);
  assert.equal(bad.status, ERROR);
  assert.match(bad.text, /a=b/);
  assert.equal(signContent([['a', '1'], ['a', '2']]).status, ERROR);
  assert.equal(call(withBuffers(['{'], (p, n) => w.alipay_sign_content(p, n))).status, BAD_ARGUMENT);
  const c = vectors.sign.find((s) => s.id === 'seed-example-request');
  const app = appKey(vectors.keys[c.key].private);
  assert.equal(sign(app, RSA2, c.params, new Uint8Array(7)).status, BAD_ARGUMENT);
  assert.equal(sign(app, 9, c.params).status, BAD_ARGUMENT);
  const pub = w.alipay_app_key_public(app);
  assert.equal(verify(pub, RSA2, c.params, 'AAAA').status, ERROR, 'wrong signature length');
  w.alipay_public_key_free(pub);
  w.alipay_app_key_free(app);
});

test('no leaks: heap use returns to its baseline', () => {
  w.alipay_output_clear();
  const before = w.alipay_heap_used();
  const c = vectors.sign.find((s) => s.id === 'seed-example-request');
  const app = appKey(vectors.keys[c.key].private);
  const pub = w.alipay_app_key_public(app);
  sign(app, RSA2, c.params, seed32());
  verify(pub, RSA2, c.params, c.sign);
  w.alipay_public_key_free(pub);
  w.alipay_app_key_free(app);
  w.alipay_output_clear();
  assert.equal(w.alipay_heap_used(), before);
});

test('figures: time and peak heap per operation (seed example)', () => {
  const c = vectors.sign.find((s) => s.id === 'seed-example-request');
  const pem = readFileSync(join(tests, 'keys', 'app_private_pkcs8.pem'), 'utf8');
  const rows = [];
  const measure = (name, n, f) => {
    f(); // warm up (compilation tiers)
    w.alipay_output_clear();
    w.alipay_heap_reset_peak();
    const base = w.alipay_heap_used();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) f();
    const ms = (performance.now() - t0) / n;
    rows.push(`${name.padEnd(32)} ${ms.toFixed(3).padStart(9)} ms  peak heap ${w.alipay_heap_peak() - base} B`);
  };
  const app = appKey(pem);
  const pub = w.alipay_app_key_public(app);
  measure('parse key (PKCS#8 PEM)', 20, () => w.alipay_app_key_free(appKey(pem)));
  measure('sign content (JSON in, text out)', 200, () => signContent(c.params));
  measure('sign RSA2 (unblinded)', 10, () => sign(app, RSA2, c.params));
  measure('sign RSA2 (blinded, ChaCha20)', 10, () => sign(app, RSA2, c.params, seed32()));
  measure('verify RSA2', 50, () => verify(pub, RSA2, c.params, c.sign));
  measure('encode request (incl. sign)', 10, () => encodeRequest(app, RSA2, fixtures.request));
  const alipay = publicKey(readFileSync(join(tests, 'keys', 'alipay_public.pem'), 'utf8'));
  const r = fixtures.response;
  measure('decode + verify response', 50, () => decodeResponse(alipay, RSA2, r.method, r.body));
  w.alipay_public_key_free(alipay);
  w.alipay_public_key_free(pub);
  w.alipay_app_key_free(app);
  console.log(`wasm module ${readFileSync(wasmPath).length} bytes (${wasmPath})\n` + rows.join('\n'));
});
