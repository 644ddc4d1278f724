// config: public API (filled in by the config work)
export {};
