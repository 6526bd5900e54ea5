/**
 * The renderer's Content-Security-Policy, the same in the desktop window and in browser mode: its own scripts only,
 * no eval, no plugins, no framing, API calls to itself only.
 *
 * Frames: the invoice preview is an `srcdoc` frame (sandboxed, no scripts), which frame-src does not govern, and
 * downloads are links to blob: URLs, not frames — so no frame may load anything. Styles: the preview's HTML is
 * what the invoice's own view stylesheet (GİB's, or the company's) produced, full of `<style>` elements and style
 * attributes, and an srcdoc frame inherits this policy; inline styles stay allowed for that reason (the screens
 * themselves set styles only through the DOM, which CSP does not restrict). Scripts stay refused everywhere.
 */
export const RENDERER_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "frame-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
