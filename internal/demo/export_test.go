package demo

// DropIndexes lets the load figures compare a load that keeps its indexes.
var DropIndexes = &dropForLoad
