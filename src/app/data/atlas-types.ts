// The atlas types the app uses, from the shared contract in src/atlas/format.ts.
export type { AtlasJson as AtlasMeta, AtlasModel, AtlasProbe } from '../../atlas/format';
