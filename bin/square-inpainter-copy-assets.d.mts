/** Types of the copy command's module, for the TypeScript that imports it (its tests). */
export declare const ASYNCIFY_FILES: string[];
export interface CopiedFile {
  file: string;
  bytes: number;
}
export declare function copyAssets(
  target: string,
  options?: { asyncify?: boolean; baselines?: boolean; from?: string },
): Promise<{ copied: CopiedFile[]; skipped: CopiedFile[]; totalBytes: number }>;
export declare function formatBytes(bytes: number): string;
