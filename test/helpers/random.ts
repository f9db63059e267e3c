// The test cases' seeded PRNG is the decoder's own (mulberry32, uniform in [0, 1)).
export { mulberry32 as random } from '../../src/decoding.js';
