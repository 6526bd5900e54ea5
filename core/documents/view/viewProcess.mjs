// The view process (see sandbox.ts): compiles view stylesheets and runs them on invoices, one request at a time,
// in a process of its own with a heap limit and, where Node offers it, a file-system permission that lets it read
// only its own code. Plain JavaScript on purpose: it starts without any loader, so the permission can stay narrow.
//
// SaxonJS 2.7 has no public "compile this XSLT text" call in Node: `fn:transform(map{'stylesheet-text': …})`
// compiles on every call and returns no reusable result, and the `xslt3` package is only a command line. We make the
// same calls `xslt3 -export` makes (its `compileXSLT`): run SaxonJS's bundled XSLT compiler (`getPlatform()
// .resource('compiler')`, initial mode `compile-complete`) with `internalTransform` and turn the SEF tree into JSON
// with `XPath.sefToJSON`; the parent stamps the checksum SaxonJS verifies. These are internals of the pinned
// saxon-js 2.7.0; saxon.ts's `assertSaxonCompilerAvailable()` fails loudly (and a unit test with it) if they move.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const SaxonJS = require(process.env.KONNEKTOR_SAXON_JS ?? 'saxon-js');
const platform = SaxonJS.getPlatform();

// SaxonJS's platform functions through which doc(), unparsed-text(), xsl:result-document, xsl:include and the rest
// reach files and URLs — at compile time (static expressions) as at run time. Here they all refuse.
class ResourceAccessRefused extends Error {
  code = 'KNK_VIEW_NO_RESOURCES';
}
for (const name of ['readFile', 'writeFileAsync', 'writeFileSync', 'resourcePromise', 'makeHttpRequest']) {
  platform[name] = (target) => {
    throw new ResourceAccessRefused(`an invoice view may not open resources (${name} ${String(target).slice(0, 200)})`);
  };
}
const refuse = (what) => () => {
  throw new ResourceAccessRefused(`an invoice view may not ${what}`);
};

class InvoiceParseError extends Error {}

let compilerReady = false;
function addParentPointers(node) {
  for (const child of node.C ?? []) {
    child.parentNode = node;
    addParentPointers(child);
  }
}

/** XSLT text → SEF JSON, without the checksum (the parent stamps it). */
async function compile(xslt, sha256) {
  const compiler = platform.resource('compiler');
  if (!compilerReady) {
    addParentPointers(compiler);
    compilerReady = true;
  }
  const doc = platform.parseXmlFromString(xslt);
  doc._saxonBaseUri = `file:///konnektor-view-${sha256.slice(0, 12)}.xslt`;
  const stylesheetParams = new SaxonJS.XdmMap();
  stylesheetParams.inSituPut(SaxonJS.XS.QName.fromParts('', '', 'staticParameters'), [new SaxonJS.XdmMap()]);
  const options = SaxonJS.checkOptions({
    destination: 'application',
    initialMode: 'compile-complete',
    templateParams: { 'Q{}options': { noXPath: false } },
    stylesheetParams,
    stylesheetInternal: compiler,
    stylesheetText: '',
    async: true,
    deliverMessage: () => undefined,
  });
  SaxonJS.internalTransform(compiler, doc, options);
  let result = (await options.resultPromise).principalResult;
  if (Array.isArray(result)) result = result[0];
  return JSON.stringify(SaxonJS.XPath.sefToJSON(result.firstChild, false));
}

/** Runs a compiled view on an invoice; the stylesheet's xsl:message texts go to `messages`. */
function render(sef, xml, messages) {
  let doc;
  try {
    doc = platform.parseXmlFromString(xml);
  } catch (e) {
    throw new InvoiceParseError(e instanceof Error ? e.message : String(e));
  }
  const result = SaxonJS.transform(
    {
      stylesheetInternal: sef,
      sourceNode: doc,
      destination: 'serialized',
      // GİB's general.xslt asks for HTML 4.0, which SaxonJS does not serialize; the markup is the same.
      outputProperties: { 'html-version': 5 },
      // No resolver answers: collections and pooled documents are refused outright (files and URLs: above).
      collectionFinder: refuse('read a collection'),
      documentPool: {},
      textResourcePool: {},
      deliverMessage: (message) => {
        if (messages.length < 50) messages.push(String(message?.textContent ?? message));
      },
    },
    'sync',
  );
  return String(result.principalResult ?? '');
}

/** Compiled views held by this process, least recently used first. */
const loaded = new Map();
const LOADED_LIMIT = 12;

function errorOf(id, e, messages) {
  const code = typeof e?.code === 'string' ? e.code.replace(/^Q\{[^}]*\}/, '') : undefined;
  return {
    type: 'error',
    id,
    kind: e instanceof InvoiceParseError ? 'parse' : 'xslt',
    message: e instanceof Error ? e.message : String(e),
    ...(code ? { xsltError: code } : {}),
    messages,
  };
}

process.on('message', async (m) => {
  const messages = [];
  try {
    if (m.type === 'compile') {
      process.send({ type: 'compiled', id: m.id, json: await compile(m.xslt, m.sha256) });
      return;
    }
    let sef = loaded.get(m.sha256);
    if (sef) loaded.delete(m.sha256);
    else if (m.sefJson !== undefined) sef = JSON.parse(m.sefJson);
    if (!sef) {
      process.send({ type: 'missing', id: m.id });
      return;
    }
    loaded.set(m.sha256, sef);
    while (loaded.size > LOADED_LIMIT) loaded.delete(loaded.keys().next().value);
    process.send({ type: 'rendered', id: m.id, html: render(sef, m.xml, messages), messages });
  } catch (e) {
    process.send(errorOf(m.id, e, messages));
  }
});
// The parent is gone: nothing left to do.
process.on('disconnect', () => process.exit(0));
process.send({ type: 'ready' });
