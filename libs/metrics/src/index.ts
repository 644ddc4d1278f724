// metrics: public API (filled in by the metrics work)
export {};
