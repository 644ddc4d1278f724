// topics: public API (filled in by the topics work)
export {};
