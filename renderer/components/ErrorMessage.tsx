/** An API failure on screen: the plain Turkish message, the stable code small beside it for support calls. */
export function ErrorMessage({ error }: { error?: { code: string; message: string } | undefined }) {
  if (!error) return null;
  return (
    <div className="error" role="alert" data-code={error.code}>
      <span className="error-message">{error.message}</span> <code className="error-code">{error.code}</code>
    </div>
  );
}
