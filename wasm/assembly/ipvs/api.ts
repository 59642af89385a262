// IPVS engine exports (re-exported by index.ts).
