/**
 * What every form of the dashboard does the same way: its fields' values, a submit that runs one
 * API call (the button disabled while it runs), the cache it makes stale, the fields it empties
 * once it succeeded, and the API's error shown above the button.
 */
import { type QueryKey, type UseMutationResult, useMutation, useQueryClient } from '@tanstack/react-query';
import { type ChangeEvent, type FormEvent, type ReactNode, useState } from 'react';
import { ErrorNotice } from './states.js';

export interface FormOptions<V, R> {
  /** Read again once the call succeeded. */
  invalidates?: QueryKey;
  /** Emptied (back to their first values) once the call succeeded: every field with `true`. */
  reset?: true | readonly (keyof V)[];
  onSuccess?: (result: R) => unknown;
}

export interface FormState<V, R> {
  readonly values: V;
  set<K extends keyof V>(name: K, value: V[K]): void;
  /** `value` and `onChange` of the text field (or select) for `name`. */
  field<K extends { [P in keyof V]: V[P] extends string ? P : never }[keyof V]>(
    name: K,
  ): { value: string; onChange: (e: ChangeEvent<HTMLInputElement | HTMLSelectElement>) => void };
  readonly mutation: UseMutationResult<R, Error, void>;
  readonly onSubmit: (e: FormEvent) => void;
}

/** A form's state and its submit: `send` makes the API call from the values. */
export function useForm<V extends object, R = unknown>(
  initial: V,
  send: (values: V) => Promise<R>,
  options: FormOptions<V, R> = {},
): FormState<V, R> {
  const client = useQueryClient();
  const [values, setValues] = useState(initial);
  const mutation = useMutation<R, Error, void>({
    mutationFn: () => send(values),
    onSuccess: async (result) => {
      const { reset } = options;
      if (reset === true) setValues(initial);
      else if (reset) setValues((v) => ({ ...v, ...Object.fromEntries(reset.map((k) => [k, initial[k]])) }));
      options.onSuccess?.(result);
      if (options.invalidates) await client.invalidateQueries({ queryKey: options.invalidates });
    },
  });
  const set = <K extends keyof V>(name: K, value: V[K]) => setValues((v) => ({ ...v, [name]: value }));
  return {
    values,
    set,
    field: (name) => ({
      value: values[name] as string,
      onChange: (e) => set(name, e.target.value as V[typeof name]),
    }),
    mutation,
    onSubmit: (e) => {
      e.preventDefault();
      mutation.mutate();
    },
  };
}

/** The error of the first of `mutations` that failed, if one did. */
export function MutationError({ of }: { of: readonly Pick<UseMutationResult, 'isError' | 'error'>[] }) {
  const failed = of.find((m) => m.isError);
  return failed ? <ErrorNotice error={failed.error} /> : null;
}

/**
 * A form of {@link useForm}: its fields, the error of its call (or of `also`, the section's other
 * calls), `status` (a success note), and the submit button, disabled while the call runs or
 * while `blocked` (a field's problem).
 */
export function Form<V, R>({
  form,
  label,
  submit,
  also = [],
  status,
  blocked = false,
  primary = false,
  className,
  children,
}: {
  form: FormState<V, R>;
  label: string;
  submit: string;
  also?: readonly Pick<UseMutationResult, 'isError' | 'error'>[];
  status?: ReactNode;
  blocked?: boolean;
  primary?: boolean;
  className?: string;
  children: ReactNode;
}) {
  return (
    <form onSubmit={form.onSubmit} aria-label={label} className={className}>
      {children}
      <MutationError of={[form.mutation, ...also]} />
      {status}
      <button
        type="submit"
        className={primary ? 'primary' : undefined}
        disabled={blocked || form.mutation.isPending}
      >
        {submit}
      </button>
    </form>
  );
}
