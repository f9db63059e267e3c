// How every headless run here starts Debian's Chromium: the browser tests, the packed-package test and the
// bench. Launched directly (the /usr/bin wrapper adds noise), new headless mode, no network chatter that
// this machine's closed network would refuse, and WebGPU on SwiftShader (a real adapter, no GPU needed).
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/lib/chromium/chromium';

export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--enable-unsafe-webgpu',
];

/**
 * The tests' launch: the same, with V8 compiling WebAssembly by its baseline compiler (Liftoff) alone, no optimising
 * tier-up. onnxruntime-web's wasm (14-27 MB) computes the same (the same instructions, IEEE floats), a little slower,
 * and each page that loads it no longer spends CPU optimising it: on this 2-core machine the browser tests took
 * 141 CPU-s instead of 216. The bench (its timings are the product's) and the demo test (the visitor's browser as it
 * ships) keep Chromium's defaults, so the suite still runs the optimised wasm.
 */
export const CHROMIUM_TEST_ARGS = [...CHROMIUM_ARGS, '--js-flags=--liftoff-only'];
