import type { Model } from '../core/model.ts';
import { UsageError } from './errors.ts';

export function findModel(models: readonly Model[], name: string): Model {
  const m = models.find((x) => x.name === name);
  if (!m) throw new UsageError(`unknown model '${name}' (kmc list shows the models)`);
  return m;
}
