// simulation: public API (filled in by the simulation work)
export {};
