import type { Resources } from '@hearth/sdk/browser';
import { formatSize } from '@hearth/sdk/sizes';
import { Field } from './field.js';
import { bytes } from './format.js';

/** Resource inputs as the API takes them: cores, and sizes with a unit ("4GiB"). */
export interface ResourceInput {
  cpu: string;
  memory: string;
  disk: string;
}

export const resourceInput = (r: Resources): ResourceInput => ({
  cpu: String(r.cpu),
  memory: formatSize(r.memory),
  disk: formatSize(r.disk),
});

/** The request body's resource part: only what the person filled in. */
export const resourceBody = (r: ResourceInput) => ({
  ...(r.cpu.trim() ? { cpu: r.cpu.trim() } : {}),
  ...(r.memory.trim() ? { memory: r.memory.trim() } : {}),
  ...(r.disk.trim() ? { disk: r.disk.trim() } : {}),
});

export function ResourcesFields({
  value,
  onChange,
  limits,
}: {
  value: ResourceInput;
  onChange: (v: ResourceInput) => void;
  limits?: { maxCpu: number; maxMemory: number; maxDisk: number } | undefined;
}) {
  return (
    <fieldset>
      <legend>Resources</legend>
      <Field
        label="CPU cores"
        value={value.cpu}
        hint={limits ? `at most ${limits.maxCpu}` : 'e.g. 2 or 500m'}
        onChange={(e) => onChange({ ...value, cpu: e.target.value })}
      />
      <Field
        label="Memory"
        value={value.memory}
        hint={limits ? `at most ${bytes(limits.maxMemory)}` : 'e.g. 4GiB'}
        onChange={(e) => onChange({ ...value, memory: e.target.value })}
      />
      <Field
        label="Disk"
        value={value.disk}
        hint={limits ? `at most ${bytes(limits.maxDisk)}` : 'e.g. 10GiB'}
        onChange={(e) => onChange({ ...value, disk: e.target.value })}
      />
    </fieldset>
  );
}
