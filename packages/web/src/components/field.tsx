import { type InputHTMLAttributes, useId } from 'react';

/** A labelled input, with its problem (if any) announced and tied to it. */
export function Field({
  label,
  problem,
  hint,
  ...input
}: InputHTMLAttributes<HTMLInputElement> & { label: string; problem?: string | undefined; hint?: string }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-invalid={problem ? true : undefined} aria-describedby={`${id}-note`} {...input} />
      <small id={`${id}-note`} className={problem ? 'problem' : 'muted'} role={problem ? 'alert' : undefined}>
        {problem ?? hint ?? ''}
      </small>
    </div>
  );
}
