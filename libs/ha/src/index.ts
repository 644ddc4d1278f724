// ha: public API (filled in by the ha work)
export {};
