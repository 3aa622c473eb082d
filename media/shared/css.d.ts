// esbuild's "text" loader: a stylesheet imported by a script is its text (see media/build.mjs).
declare module "*.css" {
  const text: string;
  export default text;
}
