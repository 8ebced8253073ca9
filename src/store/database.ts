/**
 * Row types of the store's tables, shared by every dialect. Whole domain objects live as JSON in
 * `data`; the other columns are copies kept in sync for lookups, uniqueness and ordering.
 */
export interface Database {
  meta: MetaTable;
  tokens: TokensTable;
  nodes: NodesTable;
  jobs: JobsTable;
  job_versions: JobVersionsTable;
  allocations: AllocationsTable;
  evaluations: EvaluationsTable;
  events: EventsTable;
}

export interface MetaTable {
  key: string;
  value: string;
}

export interface TokensTable {
  hash: string;
  role: string;
  node_id: string | null;
  created_at: string;
}

export interface NodesTable {
  id: string;
  name: string;
  site: string;
  status: string;
  data: string;
}

export interface JobsTable {
  id: string;
  name: string;
  version: number;
  status: string;
  data: string;
}

export interface JobVersionsTable {
  job_id: string;
  version: number;
  data: string;
}

export interface AllocationsTable {
  id: string;
  job_id: string;
  node_id: string | null;
  status: string;
  created_at: string;
  data: string;
}

export interface EvaluationsTable {
  id: string;
  job_id: string;
  status: string;
  created_at: string;
  data: string;
}

export interface EventsTable {
  id: number;
  time: string;
  type: string;
  node_id: string | null;
  node_name: string | null;
  job_id: string | null;
  job_name: string | null;
  alloc_id: string | null;
  data: string;
}
