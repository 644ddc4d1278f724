// subscriber: public API (filled in by the subscriber work)
export {};
