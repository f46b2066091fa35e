/** An error message announced to screen readers, or nothing. */
export function FormError({ error }: { error: Error | string | undefined }) {
  if (error === undefined) return null;
  return (
    <p class="form-error" role="alert">
      {typeof error === 'string' ? error : error.message}
    </p>
  );
}
