// Tables of operations registered by name: file_operations, dma_buf_ops,
// vm_operations_struct. States are plain data, so a file, dma-buf or vma records only its
// table's name; the tables live here, registered when the driver's module loads.

export interface OpsTables<T> {
  /** register `ops` under its C name ('dma_buf_fops'); the same name for another table is a bug */
  register(name: string, ops: T): string;
  /** the table named `name`, which `owner` (a file, a dma-buf, a vma) records */
  get(name: string, owner: string): T;
}

export function opsTables<T>(kind: string): OpsTables<T> {
  const tables: Record<string, T> = {};
  return {
    register(name, ops) {
      if (Object.hasOwn(tables, name) && tables[name] !== ops) throw new Error(`${kind} '${name}' registered twice`);
      tables[name] = ops;
      return name;
    },
    get(name, owner) {
      if (!Object.hasOwn(tables, name))
        throw new Error(`${owner} has ${kind} '${name}', which no module registered (import the driver's file)`);
      return tables[name]!;
    },
  };
}
