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
