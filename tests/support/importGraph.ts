import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * The project's own import graph, read with the TypeScript parser: which module loads which at run time. An
 * `import type` / `export type` is erased when compiled and is no edge; `import { type A } from` is kept as an
 * (empty) import under `verbatimModuleSyntax`, so it is one. Only relative imports are followed: packages are
 * leaves. Dynamic `import()` is an edge too (the module is loaded when it runs).
 */
export interface ImportEdge {
  from: string;
  to: string;
  /** Erased at build: no module is loaded. */
  typeOnly: boolean;
  dynamic: boolean;
}

export interface ImportGraph {
  root: string;
  files: string[];
  edges: ImportEdge[];
}

const SOURCE = /\.(ts|tsx|mts|mjs)$/;
const SKIP_DIRS = new Set(['node_modules', 'dist', 'out', '.git']);

function walk(root: string, dir: string, into: string[]): void {
  const abs = path.join(root, dir);
  if (!fs.existsSync(abs)) return;
  if (fs.statSync(abs).isFile()) {
    if (SOURCE.test(dir) && !dir.endsWith('.d.ts')) into.push(dir.split(path.sep).join('/'));
    return;
  }
  for (const entry of fs.readdirSync(abs, { withFileTypes: true })) {
    if (SKIP_DIRS.has(entry.name)) continue;
    walk(root, path.join(dir, entry.name), into);
  }
}

function resolve(root: string, from: string, spec: string): string | undefined {
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
  const stem = base.replace(/\.(js|mjs|ts|tsx)$/, '');
  const candidates = [base, `${stem}.ts`, `${stem}.tsx`, `${stem}.mts`, `${stem}.mjs`, `${base}/index.ts`, `${base}/index.tsx`];
  return candidates.find((c) => fs.existsSync(path.join(root, c)) && fs.statSync(path.join(root, c)).isFile());
}

/** The imports of one file: `[specifier, typeOnly, dynamic]`. */
export function importsOfSource(fileName: string, text: string): { spec: string; typeOnly: boolean; dynamic: boolean }[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, fileName.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const out: { spec: string; typeOnly: boolean; dynamic: boolean }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      out.push({ spec: node.moduleSpecifier.text, typeOnly: node.importClause?.isTypeOnly === true, dynamic: false });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      out.push({ spec: node.moduleSpecifier.text, typeOnly: node.isTypeOnly, dynamic: false });
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      out.push({ spec: node.moduleReference.expression.text, typeOnly: node.isTypeOnly, dynamic: false });
    } else if (ts.isCallExpression(node) && node.arguments.length >= 1 && ts.isStringLiteralLike(node.arguments[0]!)) {
      const isImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      if (isImport || isRequire) out.push({ spec: (node.arguments[0] as ts.StringLiteralLike).text, typeOnly: false, dynamic: isImport });
    } else if (ts.isImportTypeNode(node)) {
      // `typeof import('…')` in a type position: erased.
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** Reads every source file under `dirs` (folders or single files, relative to `root`) and the edges between them. */
export function readImportGraph(root: string, dirs: readonly string[]): ImportGraph {
  const files: string[] = [];
  for (const d of dirs) walk(root, d, files);
  const known = new Set(files);
  const edges: ImportEdge[] = [];
  for (const from of files) {
    for (const imp of importsOfSource(from, fs.readFileSync(path.join(root, from), 'utf8'))) {
      if (!imp.spec.startsWith('.')) continue;
      const to = resolve(root, from, imp.spec);
      if (to && known.has(to)) edges.push({ from, to, typeOnly: imp.typeOnly, dynamic: imp.dynamic });
    }
  }
  return { root, files, edges };
}

/**
 * Every cycle of run-time imports, each as the list of its files (the first repeated at the end), found as the
 * strongly connected components of the graph (Tarjan) — one representative cycle per component.
 */
export function runtimeCycles(graph: ImportGraph): string[][] {
  const next = new Map<string, string[]>();
  for (const e of graph.edges) {
    if (e.typeOnly || e.from === e.to) continue;
    next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  }
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const strong = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) components.push(component);
    }
  };
  for (const f of graph.files) if (!index.has(f)) strong(f);
  // A readable path through each component: from its first file (sorted), follow edges inside it back to the start.
  return components.map((component) => {
    const inside = new Set(component);
    const start = [...component].sort()[0]!;
    const pathTo = (from: string, seen: Set<string>): string[] | undefined => {
      for (const w of next.get(from) ?? []) {
        if (!inside.has(w)) continue;
        if (w === start) return [w];
        if (seen.has(w)) continue;
        seen.add(w);
        const rest = pathTo(w, seen);
        if (rest) return [w, ...rest];
      }
      return undefined;
    };
    return [start, ...(pathTo(start, new Set([start])) ?? [])];
  });
}

/**
 * A layer: the files whose path starts with one of `paths` (the longest matching prefix wins). Layers of the same
 * `rank` sit side by side (the hosts) and must not load each other.
 */
export interface Layer {
  name: string;
  rank: number;
  paths: readonly string[];
}

export function layerOf(layers: readonly Layer[], file: string): Layer | undefined {
  let best: { layer: Layer; length: number } | undefined;
  for (const layer of layers) {
    for (const p of layer.paths) {
      const matches = file === p || file.startsWith(p.endsWith('/') ? p : `${p}/`);
      if (matches && (!best || p.length > best.length)) best = { layer, length: p.length };
    }
  }
  return best?.layer;
}

/**
 * Imports that run up the layers (a file may load only files of its own layer or of a lower rank) or sideways
 * between layers of one rank. Type-only imports load nothing at run time and are left out.
 */
export function upwardImports(graph: ImportGraph, layers: readonly Layer[]): string[] {
  const bad: string[] = [];
  for (const e of graph.edges) {
    if (e.typeOnly) continue;
    const from = layerOf(layers, e.from);
    const to = layerOf(layers, e.to);
    if (!from || !to || from === to) continue;
    if (to.rank > from.rank) bad.push(`${e.from} → ${e.to} (${from.name} imports ${to.name}, a higher layer)`);
    else if (to.rank === from.rank) bad.push(`${e.from} → ${e.to} (${from.name} imports ${to.name}, a layer beside it)`);
  }
  return bad;
}
