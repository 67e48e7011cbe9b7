/** `import source from 'mi-inline:<name>'`: src/core/parallel/<name>.ts bundled to one CJS string at build time (scripts/inline-plugin.mjs). */
declare module 'mi-inline:*' {
  const source: string;
  export default source;
}
