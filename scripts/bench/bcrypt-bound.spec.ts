import { boundOf, boundOverSlices } from './bcrypt-bound.ts';

describe('boundOverSlices', () => {
  it('averages the slices, each the mean of the rates at its two ends', () => {
    // Two cores: 50 ms → 40 logins/s, 100 ms → 20 logins/s. Slices: (40 + 40) / 2 = 40 and (40 + 20) / 2 = 30.
    const points = [boundOf(10, [50, 49, 51], 2), boundOf(10, [50, 50, 52], 2), boundOf(10, [99, 100, 101], 2)];
    const bound = boundOverSlices(points);
    expect(bound.loginsPerSecond).toBeCloseTo(35, 10);
    expect(bound.msPerHash).toBeCloseTo(2000 / 35, 10);
    expect(bound.cores).toBe(2);
    expect(bound.cost).toBe(10);
    expect(bound.samples).toEqual([50, 49, 51, 50, 50, 52, 99, 100, 101]);
  });

  it('counts a slow stretch that a median of all the samples would leave out', () => {
    const points = [boundOf(10, [50, 50], 2), boundOf(10, [50, 50], 2), boundOf(10, [80, 80], 2)];
    const medianOfAll = boundOf(
      10,
      points.flatMap((point) => point.samples),
      2,
    );
    expect(medianOfAll.loginsPerSecond).toBe(40);
    expect(boundOverSlices(points).loginsPerSecond).toBeCloseTo((40 + (40 + 25) / 2) / 2, 10);
  });

  it('is the point itself when the machine held one speed', () => {
    const points = [boundOf(10, [40], 2), boundOf(10, [40], 2)];
    expect(boundOverSlices(points).msPerHash).toBeCloseTo(40, 10);
  });

  it('refuses fewer than two points', () => {
    expect(() => boundOverSlices([boundOf(10, [40], 2)])).toThrow('a point before and after each slice');
  });
});
