/** The WebGPU adapter of the current scope (the page, or the runtime worker). */

/** What this scope's WebGPU offers: no adapter, or one, software (a fallback adapter) or not. */
export interface AdapterReport {
  /** Vendor, architecture or description, as the adapter tells them; empty when it tells nothing. */
  name: string;
  /** A software adapter (e.g. SwiftShader): WebGPU works, but far slower than WASM. */
  fallback: boolean;
}

interface GpuAdapterLike {
  isFallbackAdapter?: boolean;
  info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean };
}
interface GpuLike {
  requestAdapter(options?: object): Promise<GpuAdapterLike | null>;
}

/** The WebGPU adapter this scope can get right now, or null (also where the scope has no `navigator.gpu`). */
export async function webGpuAdapter(): Promise<AdapterReport | null> {
  const gpu = (globalThis.navigator as (Navigator & { gpu?: GpuLike }) | undefined)?.gpu;
  if (!gpu) return null;
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return null;
    const info = adapter.info ?? {};
    const name = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ');
    return { name, fallback: (info.isFallbackAdapter ?? adapter.isFallbackAdapter) === true };
  } catch {
    return null;
  }
}
