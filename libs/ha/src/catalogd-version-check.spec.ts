import { checkCatalogdUpdate, initialCatalogdVersionCheck, resetCatalogdVersion } from './catalogd-version-check';

describe('active catalogd version check', () => {
  it('applies only newer versions', () => {
    let v = checkCatalogdUpdate(initialCatalogdVersionCheck, 3);
    expect(v.apply).toBe(true);
    expect(checkCatalogdUpdate(v.state, 3).apply).toBe(false);
    expect(checkCatalogdUpdate(v.state, 2).apply).toBe(false);
    v = checkCatalogdUpdate(v.state, 4);
    expect(v).toEqual({ apply: true, state: { lastVersion: 4 } });
  });

  it('a registration reply resets, so a new statestored with lower versions is followed', () => {
    const seen = checkCatalogdUpdate(initialCatalogdVersionCheck, 9).state;
    const reset = resetCatalogdVersion(1);
    expect(reset.apply).toBe(true);
    expect(checkCatalogdUpdate(seen, 2).apply).toBe(false);
    expect(checkCatalogdUpdate(reset.state, 2).apply).toBe(true);
  });
});
