// esbuild plugin: `import source from 'mi-inline:<name>'` bundles src/core/parallel/<name>.ts on its own (Node, CJS)
// and imports the result as a string. The engine starts its worker-thread helper from that string
// (`new Worker(source, { eval: true })`), so the helper travels inside every bundle that needs it (dist/cli.js,
// dist/worker.js, compiled tests and benchmarks) and no file has to be located at run time.
import * as esbuild from 'esbuild';
import { join } from 'node:path';

export function inlinePlugin(root) {
  return {
    name: 'mi-inline',
    setup(build) {
      build.onResolve({ filter: /^mi-inline:/ }, (a) => ({ path: a.path.slice('mi-inline:'.length), namespace: 'mi-inline' }));
      build.onLoad({ filter: /.*/, namespace: 'mi-inline' }, async (a) => {
        const entry = join(root, 'src/core/parallel', `${a.path}.ts`);
        const r = await esbuild.build({
          entryPoints: [entry], bundle: true, write: false, platform: 'node', format: 'cjs', target: 'node20',
          metafile: true, logLevel: 'silent', absWorkingDir: root,
          // the helper must not start helpers of its own (and an inline import inside it would recurse)
          plugins: [{ name: 'no-nested-inline', setup(b) { b.onResolve({ filter: /^mi-inline:/ }, (x) => ({ errors: [{ text: `${x.importer} imports ${x.path}: the helper bundle cannot inline itself; move the code it needs out of modules that import src/core/parallel/pool.ts` }] })); } }],
        });
        return {
          contents: `export default ${JSON.stringify(r.outputFiles[0].text)};`,
          loader: 'js',
          watchFiles: Object.keys(r.metafile.inputs).map((p) => join(root, p)),
        };
      });
    },
  };
}
