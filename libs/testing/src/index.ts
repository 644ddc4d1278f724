// testing: public API (filled in by the testing work)
export {};
