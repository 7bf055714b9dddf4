// IndexedDB for code under test in Node: fake-indexeddb installs indexedDB, IDBKeyRange and
// friends on the global object, as the browser has them.
import 'fake-indexeddb/auto';
