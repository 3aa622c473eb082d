// Types of media/build.mjs (for the tests that build the media before loading it in a browser).
export declare function buildMedia(options?: { outdir?: string; minify?: boolean }): Promise<{ file: string; bytes: number }[]>;
