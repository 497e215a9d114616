//! 产业: industry-chain organisations, one-village-one-product projects, training bases, job
//! fairs and placements. Its files and rules arrive with the industry issue.
