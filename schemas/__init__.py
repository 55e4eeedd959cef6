"""paymon's contracts: typed models of what crosses a boundary, and the JSON Schemas generated from them."""
