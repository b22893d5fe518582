from projects.selectors.taxonomy import category_list, skill_list

__all__ = ["category_list", "skill_list"]
