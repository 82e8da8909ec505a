/** ChunkedModel lives in @glasswing/core (the reference executor chunks too); re-exported here. */
export { ChunkedModel } from '@glasswing/core';
